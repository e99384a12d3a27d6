"""What each kind of writing is made of: sections, weights, what each must argue and cite."""

from __future__ import annotations

from dataclasses import dataclass

from apps.core.writing import WriteupType


@dataclass(frozen=True)
class Blueprint:
    title: str
    weight: float
    purpose: str
    points: tuple[str, ...]
    evidence: str
    advanced_only: bool = False


B = Blueprint

# {topic} is the request's topic; {k0}, {k1}, {k2} its key terms.
BLUEPRINTS: dict[WriteupType, tuple[Blueprint, ...]] = {
    WriteupType.ESSAY: (
        B(
            "Introduction",
            1,
            "Frame the question and state the thesis.",
            (
                "Open with why {topic} matters now.",
                "Define {k0} and {k1} as the essay uses them.",
                "State the thesis in one sentence and preview the argument.",
            ),
            "One or two authoritative sources that establish the context.",
        ),
        B(
            "Context and key concepts",
            1.5,
            "Give the background the argument depends on.",
            ("Summarise the established view of {k0}.", "Show where {k1} enters the debate."),
            "Foundational or review works on {k0}.",
        ),
        B(
            "Main argument",
            2.5,
            "Make the central case, one claim a paragraph.",
            (
                "Argue the first claim about {k0}, with evidence.",
                "Argue the second claim, linking {k1} to {k2}.",
                "Explain how the claims together support the thesis.",
            ),
            "Empirical studies or primary sources for each claim.",
        ),
        B(
            "Counter-arguments and evaluation",
            1.5,
            "Weigh the strongest objections.",
            (
                "Present the strongest objection to the thesis.",
                "Assess it fairly: show why the thesis holds, or how it must be qualified.",
            ),
            "Sources that take the opposing position.",
        ),
        B(
            "Implications",
            1,
            "Say what follows in practice or for further study.",
            ("Draw out the consequences for {k0}.", "Name what remains uncertain."),
            "Policy documents or recent studies.",
            advanced_only=True,
        ),
        B(
            "Conclusion",
            1,
            "Return to the thesis and close.",
            (
                "Restate the thesis in light of the argument.",
                "End on the wider significance of {topic}.",
            ),
            "No new sources: conclude from what was cited.",
        ),
    ),
    WriteupType.REPORT: (
        B(
            "Executive summary",
            0.8,
            "Give the findings and recommendations in brief.",
            (
                "State the purpose of the report on {topic}.",
                "Summarise the key findings and recommendations.",
            ),
            "None: summarise the cited body.",
        ),
        B(
            "Introduction",
            1,
            "Set out the scope, aims and structure.",
            ("Define the problem of {k0}.", "State the aims and the scope."),
            "Context sources.",
        ),
        B(
            "Method",
            1,
            "Explain how the evidence was gathered and analysed.",
            (
                "Describe the data or material on {k0} and {k1}.",
                "Justify the method and note its limits.",
            ),
            "Methodological references.",
        ),
        B(
            "Findings",
            2.5,
            "Present the results, organised by theme.",
            ("Report what the evidence shows about {k0}.", "Report the findings on {k1} and {k2}."),
            "The data sources and studies behind each finding.",
        ),
        B(
            "Discussion",
            1.5,
            "Interpret the findings against the literature.",
            ("Explain what the findings mean for {topic}.", "Compare them with published work."),
            "Comparable studies.",
        ),
        B(
            "Recommendations",
            1,
            "Turn the findings into actions.",
            ("Give specific, prioritised recommendations on {k0}.",),
            "Guidance or policy documents.",
        ),
        B(
            "Conclusion",
            0.7,
            "Close the report.",
            ("Summarise what was found and what should happen next.",),
            "None.",
        ),
    ),
    WriteupType.LITERATURE_REVIEW: (
        B(
            "Introduction and scope",
            1,
            "Define the field reviewed and why.",
            ("Define the scope of the literature on {topic}.", "State the review questions."),
            "Landmark or review articles that define the field.",
        ),
        B(
            "Search strategy",
            0.8,
            "Explain how the literature was found and selected.",
            (
                "Name the databases, search terms ({k0}, {k1}) and dates.",
                "State the inclusion and exclusion criteria.",
            ),
            "Methodological guidance for reviews.",
        ),
        B(
            "Theme 1: {K0}",
            2,
            "Synthesise the studies on the first theme.",
            (
                "Compare how studies treat {k0}.",
                "Identify agreement, disagreement and methods used.",
            ),
            "The core empirical studies on {k0}.",
        ),
        B(
            "Theme 2: {K1}",
            2,
            "Synthesise the studies on the second theme.",
            ("Compare findings on {k1}.", "Relate them to theme 1."),
            "Studies on {k1}.",
        ),
        B(
            "Theme 3: {K2}",
            1.5,
            "Synthesise the third strand.",
            ("Review the work on {k2}.",),
            "Studies on {k2}.",
            advanced_only=True,
        ),
        B(
            "Gaps and future research",
            1.2,
            "Show what the literature has not settled.",
            (
                "Identify methodological and empirical gaps.",
                "Propose questions for further research.",
            ),
            "Recent studies that call for further work.",
        ),
        B(
            "Conclusion",
            0.8,
            "Summarise the state of knowledge.",
            ("Summarise what is known about {topic} and what is not.",),
            "None: conclude from the review.",
        ),
    ),
    WriteupType.DISSERTATION_CHAPTER: (
        B(
            "Chapter introduction",
            0.8,
            "Place the chapter in the dissertation.",
            ("State the chapter's aim within the study of {topic}.", "Preview its structure."),
            "None.",
        ),
        B(
            "Theoretical framework",
            1.5,
            "Set out the concepts and theory used.",
            ("Define {k0} and {k1} theoretically.", "Justify the framework chosen."),
            "Theoretical works and their critics.",
        ),
        B(
            "Analysis",
            3,
            "Carry out the chapter's analysis.",
            ("Analyse {k0} in depth.", "Connect the analysis of {k1} to the research questions."),
            "Primary data and the studies it is compared with.",
        ),
        B(
            "Discussion",
            2,
            "Interpret the analysis.",
            ("Relate the results to the literature on {k2}.", "Address limitations."),
            "Comparable studies.",
        ),
        B(
            "Chapter summary",
            0.7,
            "Close and link to the next chapter.",
            ("Summarise the contribution of the chapter.",),
            "None.",
        ),
    ),
    WriteupType.RESEARCH_PROPOSAL: (
        B(
            "Background and rationale",
            1.5,
            "Show why the research is needed.",
            ("Describe the problem of {topic}.", "Show the gap the study addresses."),
            "Recent studies establishing the problem.",
        ),
        B(
            "Research questions and aims",
            0.8,
            "State what the study will answer.",
            ("Pose one main question about {k0} and two sub-questions on {k1} and {k2}.",),
            "None.",
        ),
        B(
            "Literature context",
            1.5,
            "Position the study in the literature.",
            ("Summarise the key debates on {k0}.",),
            "Key and recent works in the field.",
        ),
        B(
            "Methodology",
            2,
            "Explain design, data, sampling and analysis.",
            ("Justify the research design.", "Describe data collection and analysis for {k1}."),
            "Methods literature.",
        ),
        B(
            "Ethics",
            0.6,
            "Address the ethical issues.",
            ("Identify risks, consent and data protection.",),
            "Ethics guidelines.",
        ),
        B(
            "Timeline and resources",
            0.6,
            "Show the plan is feasible.",
            ("Give milestones and the resources needed.",),
            "None.",
        ),
        B(
            "Expected contribution",
            0.8,
            "Say what the study will add.",
            ("State the expected theoretical and practical contribution on {k0}.",),
            "None.",
        ),
    ),
    WriteupType.CASE_STUDY: (
        B(
            "Case overview",
            1,
            "Present the case and its context.",
            ("Describe the case of {topic}.", "Give the facts that matter."),
            "Case documents.",
        ),
        B(
            "Problem identification",
            1,
            "Define the central problem.",
            ("Identify the core problem involving {k0}.",),
            "Sources documenting the problem.",
        ),
        B(
            "Analysis",
            2.5,
            "Analyse the case with a suitable framework.",
            ("Apply a framework to {k0} and {k1}.", "Identify causes and effects."),
            "The framework's source and comparable cases.",
        ),
        B(
            "Alternatives",
            1.2,
            "Weigh the options.",
            ("Set out two or three options and their trade-offs.",),
            "Evidence for each option.",
        ),
        B(
            "Recommendations",
            1,
            "Choose and justify.",
            ("Recommend an option and how to implement it.",),
            "Supporting evidence.",
        ),
        B(
            "Conclusion",
            0.6,
            "Close with the lessons of the case.",
            ("State the lessons.",),
            "None.",
        ),
    ),
    WriteupType.SUMMARY: (
        B(
            "Overview",
            1,
            "Say what is summarised and its main point.",
            ("Identify the subject: {topic}.", "State its central claim."),
            "The work summarised.",
        ),
        B(
            "Key points",
            3,
            "Give the main points in order.",
            ("Summarise the points on {k0}.", "Summarise the points on {k1}."),
            "The work summarised.",
        ),
        B("Conclusion", 1, "Give the overall significance.", ("State why it matters.",), "None."),
    ),
    WriteupType.REFLECTION: (
        B(
            "Description",
            1,
            "Describe the experience.",
            ("Describe what happened regarding {topic}.",),
            "None needed.",
        ),
        B(
            "Feelings and evaluation",
            1,
            "Evaluate what went well and badly.",
            ("Reflect honestly on your response to {k0}.",),
            "None needed.",
        ),
        B(
            "Analysis",
            2,
            "Make sense of it with theory.",
            ("Use a model of reflection or theory on {k1} to explain it.",),
            "A reflective model (e.g. Gibbs) and relevant theory.",
        ),
        B(
            "Conclusion and action plan",
            1,
            "Say what you would do differently.",
            ("State what you learned and a concrete action plan.",),
            "None needed.",
        ),
    ),
}
