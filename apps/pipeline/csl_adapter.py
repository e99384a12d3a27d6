"""Where citeproc-py 0.11.1 departs from the CSL 1.0.2 specification, the smallest correction
that keeps the formatting in citeproc and in the styles' own CSL:

- a derived style object (`load_style`) whose parser builds a few CSL elements from
  subclasses of citeproc-py's own, each correcting one documented behaviour:
  `cs:name` honours `initialize="false"` (MLA and Chicago spell given names out) and
  initialises every part of a hyphenated given name ("Jae-woo" → "J.-W.", not "J.-. woo .");
  `cs:if`/`cs:else-if` evaluate `disambiguate="true"` (citeproc-py treats it as always true,
  so MLA put the title into every in-text citation); `cs:text` formats page ranges as the
  style asks (`minimal-two` turned 1–10 into "1–0") and title-cases with the specification's
  stop words;
- the locale's `punctuation-in-quote` option, which citeproc-py reads but never applies, done
  on the rendered text as citeproc-js and citeproc-lua do: a period or comma after a closing
  quotation mark moves inside it (`move_punctuation_into_quotes`);
- APA's sentence-case titles, which CSL leaves to the data (CSL styles print titles as stored
  and the specification deprecates `text-case="sentence"`): `apps.pipeline.sentence_case`
  turns a title-case title into the data APA expects.

Nothing here formats a citation: citeproc renders every one, from the style's CSL."""

from __future__ import annotations

import re
from typing import Any

from citeproc import CitationStylesStyle
from citeproc.model import CitationStylesElement, ConditionFailed, Else_If, If, Name, Text
from citeproc.string import NoCase, String
from lxml import etree

CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"
# Set on a citeproc reference whose citations would otherwise be identical: what a style's
# `cs:if disambiguate="true"` tests (citeproc-py has no disambiguation pass of its own).
DISAMBIGUATE = "disambiguate"


def _inherited(element: Any, name: str, default: str) -> str:
    """An inheritable name option, from the element up to the style (CSL 1.0.2, "Inheritable
    Name Options")."""
    node = element
    while node is not None:
        value = node.get(name)
        if value is not None:
            return str(value)
        node = node.getparent()
    return default


def initials(given: str, mark: str, *, hyphen: bool = True, initialize: bool = True) -> str:
    """A given name as a style writes it with `initialize-with` set to `mark`.

    With `initialize` true every name becomes an initial. A lowercase word on its own is a
    particle and is kept ("Ludwig van"), but a lowercase part of a hyphenated name is a name
    ("Jae-woo" → "J.-W.", with `hyphen` false "J.W."). With `initialize` false names are kept
    whole and only the initials already there get the mark ("James T" → "James T.")."""
    stop = mark.rstrip()
    gap = mark[len(stop) :]  # what separates two initials: ". " → "J. M.", "." → "J.M."
    tokens: list[tuple[str, bool]] = []  # (text, is an initial)
    for word in given.replace(".", ". ").split():
        parts = [p for p in word.split("-") if p.rstrip(".")]
        if not parts:
            continue
        if len(parts) == 1 and parts[0][0].islower() and len(parts[0].rstrip(".")) > 1:
            tokens.append((word, False))
            continue
        kept = [
            p if not initialize and len(p.rstrip(".")) > 1 else p[0].upper() + stop for p in parts
        ]
        whole = all(len(p.rstrip(".")) == 1 for p in parts) or initialize
        if hyphen or not whole:
            tokens.append(("-".join(kept), whole))
        else:
            tokens.extend((k, True) for k in kept)
    out = ""
    for index, (text, is_initial) in enumerate(tokens):
        if index:
            out += gap if is_initial and tokens[index - 1][1] else " "
        out += text
    return out


class _Name(Name):  # type: ignore[misc]
    def initialize(self, given: str, mark: str, context: Any) -> str:
        initialize = _inherited(self, "initialize", "true").lower() != "false"
        hyphen = self.get_option("initialize-with-hyphen", context)
        return initials(str(given), mark, hyphen=bool(hyphen), initialize=initialize)


class _If(If):  # type: ignore[misc]
    def render(self, item: Any, context: Any = None, delimiter: str = "", **kwargs: Any) -> Any:
        results: list[bool] = []
        if "disambiguate" in self.attrib:
            results.append(bool(item.reference.get(DISAMBIGUATE)))
        tests = (
            ("type", self._type),
            ("variable", self._variable),
            ("is-numeric", self._is_numeric),
            ("is-uncertain-date", self._is_uncertain_date),
            ("locator", self._locator),
        )
        for attribute, test in tests:
            if attribute in self.attrib:
                results += [bool(r) for r in test(item)]
        if "position" in self.attrib:
            results += [bool(r) for r in self._position(item, context)]
        match = self.get("match")
        passed = (
            any(results)
            if match == "any"
            else not any(results)
            if match == "none"
            else all(results)
        )
        if not passed:
            raise ConditionFailed
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)


class _ElseIf(_If, Else_If):  # type: ignore[misc]
    pass


_STOP_WORDS = frozenset(Text._stop_words)


class _Text(Text):  # type: ignore[misc]
    def _format_last_page(self, first: str, last: str) -> str:
        """The second number of a page range in the style's `page-range-format` (CSL 1.0.2,
        "Appendix V"): digits it repeats from the first are dropped ("minimal": 321–8), keeping
        two ("minimal-two": 321–28, 1–10) or by Chicago's rules."""
        range_format = self.get_root().get_option("page-range-format")
        if not (first.isdigit() and last.isdigit()) or len(first) != len(last):
            return last
        common = 0
        while common < len(first) and first[common] == last[common]:
            common += 1
        if range_format in ("chicago", "chicago-15", "chicago-16"):
            number = int(first)
            if number < 100 or number % 100 == 0 or (len(first) >= 4 and common < 2):
                range_format = "expanded"
            elif number % 100 < 10:
                range_format = "minimal"
            else:
                range_format = "minimal-two"
        if range_format == "minimal":
            return last[min(common, len(last) - 1) :]
        if range_format == "minimal-two":
            return last[max(0, min(common, len(last) - 2)) :]
        return last

    def case(self, text: Any, language: str | None = None) -> Any:
        """Title case as the specification defines it, stop words included ("The Effects of
        Urban Heat", not "The Effects Of Urban Heat"); "capitalize-first" only for a first word
        in lower case, as the specification says (citeproc-py printed "ArXiv:2503.23674");
        other cases as citeproc-py does them."""
        if self.get("text-case") == "capitalize-first":
            first = str(text).split(maxsplit=1)[:1]
            if first and not first[0].islower():
                return text
        if self.get("text-case") != "title" or language != "en":
            return super().case(text, language)
        words = list(text.words())
        upper = text.isupper()
        output: list[str] = []
        previous = ":"
        for index, word in enumerate(words):
            if not isinstance(word, NoCase):
                plain = str(word)
                if upper:
                    word = String(plain[:1] + plain[1:].lower())
                elif word.islower():
                    word = word.capitalize_first()
                bare = plain.strip("\"'“”‘’()[],;:.!?").lower()
                starts = previous in ":.?!"
                if bare in _STOP_WORDS and not starts and index < len(words) - 1:
                    word = String(str(word).lower())
            previous = str(word)[-1:]
            output.append(str(word))
        return " ".join(output)


# The elements this adapter replaces, by CSL tag.
_ELEMENTS: dict[str, type[CitationStylesElement]] = {
    "name": _Name,
    "if": _If,
    "else-if": _ElseIf,
    "text": _Text,
}


class AdaptedStyle(CitationStylesStyle):  # type: ignore[misc]
    """A CSL style parsed as citeproc-py parses it, with the elements above in place of its
    own. Validation is skipped, as the shipped styles use CSL 1.0.2 terms its schema lacks."""

    def __init__(self, path: str, *, locale: str | None = None) -> None:
        lookup = etree.ElementNamespaceClassLookup()
        namespace = lookup.get_namespace(CSL_NAMESPACE)
        namespace[None] = CitationStylesElement
        namespace.update(
            {
                cls.__name__.replace("_", "-").lower(): cls
                for cls in CitationStylesElement.__subclasses__()
            }
        )
        namespace.update(_ELEMENTS)
        self.parser = etree.XMLParser(remove_comments=True, encoding="UTF-8", no_network=True)
        self.parser.set_element_class_lookup(lookup)
        self.xml = etree.parse(path, self.parser)
        self.root = self.xml.getroot()
        locale = locale or self.root.get("default-locale", "en-US")
        self.root.set_locale_list(locale, validate=False)


def load_style(path: str, *, locale: str | None = None) -> AdaptedStyle:
    """The style at `path`; `locale` where the style names none of its own (its quotation
    marks, terms and punctuation rules come from the locale)."""
    return AdaptedStyle(path, locale=locale)


def close_quote(style: AdaptedStyle) -> str:
    return str(style.root.get_single_term(name="close-quote") or "”")


def punctuation_in_quote(style: AdaptedStyle) -> bool:
    """The first of the style's locales that says (in-style locales before locale files)."""
    for locale in style.root.locales:
        options = locale.find("cs:style-options", locale.nsmap)
        if options is not None and options.get("punctuation-in-quote") is not None:
            return str(options.get("punctuation-in-quote")).lower() == "true"
    return False


def move_punctuation_into_quotes(text: str, quote: str) -> str:
    """“Title”. → “Title.” and “Title”, → “Title,”. A quotation that already ends in a
    question or exclamation mark takes no period or comma after it, nor a second period."""
    pattern = re.compile(rf"([.?!]?)(\**){re.escape(quote)}([.,])")

    def move(match: re.Match[str]) -> str:
        end, markup, mark = match.groups()
        if end in ("?", "!") or (end == "." and mark == "."):
            mark = ""
        return f"{end}{markup}{mark}{quote}"

    return pattern.sub(move, text)


_QUESTION_THEN_PERIOD = re.compile(r"([?!])(\**)\.(?=\s|$)")


def collapse_punctuation(text: str) -> str:
    """ "What is heat?. *Journal*" → "What is heat? *Journal*": a question or exclamation mark
    that ends a title takes the place of the period a style's delimiter adds after it, as CSL
    processors collapse punctuation at a seam (citeproc-py collapses only repeated marks)."""
    return _QUESTION_THEN_PERIOD.sub(r"\1\2", text)


__all__ = [
    "DISAMBIGUATE",
    "AdaptedStyle",
    "close_quote",
    "collapse_punctuation",
    "initials",
    "load_style",
    "move_punctuation_into_quotes",
    "punctuation_in_quote",
]
