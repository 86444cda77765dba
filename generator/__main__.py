from generator.cli import main

# Guarded: a render worker started by the forkserver imports the parent's
# main module, and must not run the command a second time.
if __name__ == "__main__":
    main()
