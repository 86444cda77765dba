"""Names in generator/ that vulture sees no use of, though something outside our code uses them.

Each is called or read by a framework, a protocol or a lookup by name. Reviewed by hand:
a name goes here only when such a user is named beside it, never to quiet dead code.
Candidates: `.venv/bin/vulture generator/ --make-whitelist`.
"""

# ruff: noqa: B018, F821

# PEP 562: generator.api loads its heavy names on first use.
__getattr__

# click: commands it registers by decorator, and parameters it passes by name.
list_command  # briefing list
letter  # briefing letter
diff  # briefing diff
_.list_commands  # click.Group's, which the lazy group overrides
parameter  # a callback's (context, parameter, value)
quiet  # the group's --quiet, read back through the context

# pydantic: the models' configuration and validators, and fields that are only validated
# or read by name (getattr, model_dump).
model_config
_._named_if_copied
_._one_of
_._hash_with_its_file
_._from_title
short_name
name_in_text
date_note
interpretation
attended

# Protocols: the signatures of __exit__ and of a signal handler.
exc_info
signum
frame

# http.server: the preview's request handler and server settings.
daemon_threads
server_version
sys_version
_.do_GET
_.do_HEAD
do_DELETE
do_OPTIONS
do_PATCH
do_PUT
_.log_message
args  # log_message(format, *args)

# WeasyPrint: the sandbox's URL fetcher.
_.fetch

# The format registry in generator.render: renderers and read-backs it imports by name,
# and the type it names in a string for cast.
render_docx
render_pdfa
pdf_strings
docx_strings
ReadBack

# Jinja: the fallback font's family, read by templates/base.html.j2.
family

# manifest.json: entry fields written out by name.
knowledge_base
generator

# python-docx and zipfile: properties set for what they write into the file.
_.create_system
_.external_attr
_.last_modified_by
_.created
_.modified
_.comments
_.preserve_quotes  # ruamel.yaml, which migrate writes with
_.orientation
_.page_height
_.page_width
_.top_margin
_.bottom_margin
_.left_margin
_.right_margin
_.header_distance
_.footer_distance
_.bold
_.italic
_.keep_with_next
_.autofit

# The tests' handle on the render pool's worker processes, to kill one and see the pool recover.
_.pids
