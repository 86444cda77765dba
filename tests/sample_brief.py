"""A hand-built Brief for renderer tests that must not depend on the knowledge base."""

import datetime

from generator.compose.brief import (
    Brief,
    CaseEntry,
    CaseLabels,
    Cite,
    Labels,
    MetaRow,
    Point,
    ResponseEntry,
    Section,
    SourceEntry,
    Span,
    SummaryRow,
)


def cites(*numbers: int) -> tuple[Cite, ...]:
    return tuple(Cite(number, str(number)) for number in numbers)


def sample_brief(paper: str = "a4", language: str = "en-GB") -> Brief:
    return Brief(
        title="Kazakhstan: human rights briefing",
        subtitle="Meeting with Central Asia officials",
        country="Kazakhstan",
        audience_id="uk",
        audience_name="United Kingdom",
        classification="PUBLIC",
        date=datetime.date(2027, 2, 9),
        date_label="9 February 2027",
        language=language,
        paper=paper,
        author="Central Asia advocacy team",
        labels=Labels(
            kicker="Briefing note",
            sources="Sources",
            claim="They may say",
            reply="Response",
            page="Page {page} of {pages}",
            subject="Kazakhstan: briefing for United Kingdom",
            colon=":",
        ),
        meeting_id="uk-sample",
        meta=(
            MetaRow("Meeting", "Central Asia officials, London"),
            MetaRow("Date", "9 February 2027"),
            MetaRow("President", "Қасым-Жомарт Тоқаев"),
        ),
        sections=(
            Section(
                key="purpose",
                title="Purpose",
                points=(
                    Point((Span("Press for the release of "), Span("peaceful", emphasis=True), Span(" activists."))),
                ),
            ),
            Section(
                key="asks",
                title="Key asks",
                style="numbered",
                points=(
                    Point((Span("Raise the cases of named activists in private and in public."),), citations=cites(1)),
                    Point((Span("Support future Unexplained Wealth Order cases."),), citations=cites(1, 2)),
                ),
            ),
            Section(
                key="background",
                title="Background",
                points=(
                    Point(
                        (
                            Span("247 individuals faced threats or harassment, up from 78 (see "),
                            Span("the report", href="https://example.org/report"),
                            Span(")."),
                        ),
                        citations=cites(2),
                        as_of="as of July 2016",
                    ),
                ),
            ),
            Section(
                key="cases",
                title="Individual cases",
                cases=(
                    CaseEntry(
                        name="Max Bokayev",
                        role="Civic activist, Atyrau",
                        detail=(Span("Sentenced to five years for “inciting social discord”."),),
                        status=(Span("Freedom restrictions remain."),),
                        as_of="as of July 2021",
                        labels=CaseLabels("What happened", "Status", "Our ask"),
                        citations=cites(1, 2),
                        ask=(Span("Ask that the restrictions on him be removed."),),
                    ),
                ),
            ),
            Section(
                key="talking-points",
                title="Talking points",
                style="bullets",
                points=(
                    Point(
                        (Span("Economy first is no justification for putting human rights last."),), citations=cites(2)
                    ),
                ),
            ),
            Section(
                key="if-raised",
                title="If raised",
                responses=(
                    ResponseEntry(
                        claim=(Span("The 2020 law on peaceful assemblies liberalised protest."),),
                        reply=(Span("Its impact on freedom of assembly has been limited."),),
                        citations=cites(1),
                    ),
                ),
            ),
            Section(
                key="levers",
                title="The United Kingdom’s levers",
                style="bullets",
                points=(
                    Point(
                        (Span("The National Crime Agency can bring new cases."),),
                        citations=cites(1),
                        label="Unexplained Wealth Orders",
                    ),
                ),
            ),
            Section(
                key="meeting",
                title="The meeting at a glance",
                rows=(
                    SummaryRow("Agenda", (Point((Span("Human rights dialogue"),)), Point((Span("Cases"),)))),
                    SummaryRow("Their side", (Point((Span("Desk officer, Central Asia"),)),)),
                ),
            ),
        ),
        sources=(
            SourceEntry(
                1,
                "Adam Hug, “Retreating Rights – Kazakhstan: Conclusions and Recommendations”, Foreign Policy Centre, 22 July 2021.",
            ),
            SourceEntry(
                2, "Human Rights Watch, commentary on Kazakhstan’s independence day, c. December 2016.", url=None
            ),
        ),
        keywords=("Kazakhstan", "human rights", "United Kingdom"),
    )
