"""Generate ``docs/parameters.md``, the parameter reference, from :meth:`sim.params.Params.specs`.

    python scripts/gen_parameters.py            write docs/parameters.md
    python scripts/gen_parameters.py --check    exit 1 if docs/parameters.md is out of date

One table per parameter group (the top-level strategy fields, then ``world``, ``crime``, ...), with
columns parameter | default | range | unit | description | source, and a "Sources" section that expands
each source key used into a full reference. Every source key must have an entry in :data:`SOURCES`:
a parameter whose source is unknown, or whose unit or description is empty, stops the generator with
exit status 2 and a message naming the parameter, so that no parameter enters the model undocumented.
The output depends only on the parameter definitions and this file (no dates, no versions).
"""

import argparse
import dataclasses
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from sim.params import Params, ParamSpec

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs" / "parameters.md"

#: Source key (as written in ``sim/params.py``) -> full reference. Facts and figures are those of
#: ``sources.md`` (the project's list of sources); add an entry here before citing a new key.
SOURCES: dict[str, str] = {
    "Amnesty 2025": (
        'Amnesty International (2025). "I Was Someone Else\'s Property": Slavery, human trafficking and '
        "torture in Cambodia's scamming compounds. London: Amnesty International, June 2025 "
        "(ASA 23/9447/2025). Identifies more than 50 (53) scam compounds in Cambodia."
    ),
    "Bright et al. 2017": (
        "Bright, D., Greenhill, C., Britz, T., Ritter, A. & Morselli, C. (2017). Criminal network "
        "vulnerabilities and adaptations. Global Crime 18(4), 424-441. Removing brokers (high betweenness) "
        "disrupts a network fastest; targeting money holders comes second."
    ),
    "Calderón et al. 2015": (
        "Calderón, G., Robles, G., Díaz-Cayeros, A. & Magaloni, B. (2015). The beheading of criminal "
        "organizations and the dynamics of violence in Mexico. Journal of Conflict Resolution 59(8), "
        "1455-1485. Removing leaders fragments groups and raises violence for months."
    ),
    "Calderoni et al. 2022": (
        "Calderoni, F., Campedelli, G. M., Szekely, A., Paolucci, M. & Andrighetto, G. (2022). Recruitment "
        "into organized crime: an agent-based approach testing the impact of different policies. Journal "
        "of Quantitative Criminology 38, 197-237 (PROTON-OC; code LABSS/PROTON-OC, Mesa port "
        "LABSS/PyPROTON-OC). A fixed arrest budget re-aimed by policy; stable membership without "
        "intervention."
    ),
    "Duijn et al. 2014": (
        "Duijn, P. A. C., Kashirin, V. & Sloot, P. M. A. (2014). The relative ineffectiveness of criminal "
        "network disruption. Scientific Reports 4, 4238. After targeted removals criminal networks recover "
        "and can become more efficient; removing scarce skills recovers slowest."
    ),
    "Epstein 2002": (
        "Epstein, J. M. (2002). Modeling civil violence: an agent-based computational approach. "
        "Proceedings of the National Academy of Sciences 99(suppl. 3), 7243-7250. Perceived arrest risk "
        "P = 1 - exp(-k C/A) as a deterrence rule."
    ),
    "Europol 2016": (
        "Europol (2016). Does crime still pay? Criminal asset recovery in the EU: survey of statistical "
        "information 2010-2014. The Hague: Europol. About 2.2% of criminal proceeds seized or frozen and "
        "1.1% confiscated."
    ),
    "FBI IC3 2023": (
        "Federal Bureau of Investigation, Internet Crime Complaint Center (2024). Internet Crime Report "
        "2023. Investment-fraud losses of $4.57 bn in 2023; most victims never report."
    ),
    "Griffin & Mei 2024": (
        "Griffin, J. M. & Mei, K. (2024). How do crypto flows finance slavery? The economics of pig "
        "butchering. SSRN working paper 4742235. About $27.8 bn a year moved into suspicious exchange "
        "accounts, at fees of about 33 basis points."
    ),
    "Manzi & Calderoni 2024": (
        "Manzi, D. & Calderoni, F. (2024). An agent-based model for assessing the resilience of drug "
        "trafficking organizations to law enforcement interventions. Journal of Artificial Societies and "
        "Social Simulation 27(3), 3 (MADTOR). Arrest intensity has a non-linear effect with diminishing "
        "returns."
    ),
    "Morselli & Petit 2007": (
        "Morselli, C., Giguère, C. & Petit, K. (2007). The efficiency/security trade-off in criminal "
        "networks. Social Networks 29(1), 143-153. Under pressure, networks trade efficiency for security."
    ),
    "OHCHR 2023": (
        "UN Office of the High Commissioner for Human Rights (2023). Online scam operations and "
        "trafficking into forced criminality in Southeast Asia: recommendations for a human rights "
        "response. Bangkok: OHCHR, August 2023. About 100,000 people held in scam operations in Cambodia "
        "and at least 120,000 in Myanmar."
    ),
    "Székely et al. 2018": (
        "Székely, Á., Nardin, L. G. & Andrighetto, G. (2018). Countering protection rackets using legal "
        "and social approaches: an agent-based test. Complexity 2018, 3108450 (GLODERS). Legal action is "
        "necessary, social-only approaches backfire, the combination works best."
    ),
    "UNODC 2025": (
        "UN Office on Drugs and Crime (2025). Inflection point: global implications of scam centres, "
        "underground banking and illicit online marketplaces in Southeast Asia. Bangkok: UNODC, April "
        "2025. Hundreds of industrial-scale scam centres making just under $40 bn a year; crackdowns "
        "displace them to other zones and continents."
    ),
    "USIP 2024": (
        "United States Institute of Peace (2024). Transnational crime in Southeast Asia: a growing threat "
        "to global peace and security. Senior Study Group final report, May 2024. Cambodia's scam revenue "
        "about $12.5 bn a year (roughly half of formal GDP); about $43.8 bn a year from Mekong-based groups."
    ),
    "press (July 2025 raids)": (
        "News coverage of Cambodia's nationwide raids of July 2025: over 1,000 people detained in three "
        "days and 2,767 foreigners within about a week; major compounds were reportedly untouched and "
        "their workers gone before the raids arrived (tip-offs)."
    ),
    "press (cohorts of 35-80)": (
        "News coverage of specialist cyber-crime training in Cambodia, run with the Korean and Singaporean "
        "police, in cohorts of 35 to 80 officers."
    ),
    "seed document": (
        "The project's seed document (`seed/000_0f667923ad30958e.txt` beside DESIGN.md): over about two "
        "years more than 120 business licences revoked and more than 1,000 gambling-related websites "
        "suspended; about 75% of scam operations linked to organised-crime groups; hundreds of arrests, "
        "yet the networks remain largely intact."
    ),
    "DESIGN.md": (
        "The project's design document (DESIGN.md): the strategy presets, the targeting rules and the "
        "default horizon of 520 weeks are part of the model's specification, not empirical estimates."
    ),
    "assumption": (
        "A modelling assumption: a plausible value with no direct empirical estimate, to be tested by "
        "sensitivity analysis (parameter sweeps over its range)."
    ),
    "calibrated": (
        "Chosen, together with the other calibrated values, so that the reactive preset reproduces over "
        "its first two years the seed document's figures (more than 120 licences revoked, more than 1,000 "
        "websites suspended, arrests in the hundreds while workers detained are in the thousands, most "
        "networks intact; DESIGN.md section 4). `python scripts/calibrate.py` checks these targets at the "
        "defaults; with `--search` it varies each calibrated value alone over a grid and lists the values "
        "at which every target holds (results/calibration.json). The value may change when the model or "
        "the targets change."
    ),
    "user": (
        'Chosen by the user for a custom strategy (`strategy = "custom"`): the shares of the weekly effort '
        "per action, which must add up to 1. The defaults (arrests and investigation, half each) are the "
        "arrest-focused budget used to compare targeting rules."
    ),
}

#: Keys that are not publications: listed after the literature in the Sources section.
PROJECT_KEYS = ("seed document", "DESIGN.md", "calibrated", "assumption", "user")

HEADER = """\
<!-- Generated by scripts/gen_parameters.py from sim/params.py. Do not edit by hand:
     run `python scripts/gen_parameters.py` (or `make docs`) after changing a parameter. -->

# Parameter reference

Every parameter of the model, with its default, valid range, unit and source. Parameters are set by
dotted path: in Python `Params().with_overrides({{"police.attrition_rate": 0.01}})` (or
`dataclasses.replace` on a group), on the command line `sim run --set police.attrition_rate=0.01`, and in
a TOML file or experiment spec as a `[police]` table. A value outside its range, or an unknown name, is
rejected with an error naming the parameter. Time is in weeks, money in US dollars; "1/week" is a weekly
rate or probability. How each parameter enters the model is described in [ODD.md](ODD.md), section 7.

The source column says where a default comes from; the keys are expanded under [Sources](#sources).
**assumption** marks a modelling assumption to be tested by sensitivity analysis; **calibrated** marks a
value chosen so that the seed document's two-year figures hold, which `python scripts/calibrate.py`
checks (and `--search` scans value by value), and which may therefore change.

{n} parameters in {g} groups: {toc}.
"""


class UndocumentedParameter(ValueError):
    """A parameter whose source key has no reference, or whose unit or description is missing."""


def check_specs(specs: Iterable[ParamSpec]) -> None:
    """Raise :class:`UndocumentedParameter` naming every parameter that cannot be documented."""
    problems = []
    for s in specs:
        if s.source not in SOURCES:
            where = "the sources table (SOURCES in scripts/gen_parameters.py)"
            problems.append(f"{s.path}: source {s.source!r} has no entry in {where}")
        if not s.unit.strip():
            problems.append(f"{s.path}: empty unit")
        if not s.doc.strip():
            problems.append(f"{s.path}: empty description")
    if problems:
        raise UndocumentedParameter("\n".join(problems))


def fmt_number(value: object) -> str:
    """A short, exact rendering: ``2400``, ``0.0033``, ``1e6``; ``repr`` if shortening would lose digits."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        short = format(value, "g")
        if float(short) != value:
            return repr(value)
        return short.replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")
    return str(value)


def fmt_default(s: ParamSpec) -> str:
    return f"`{s.default}`" if s.type is str else fmt_number(s.default)


def fmt_range(s: ParamSpec) -> str:
    if s.choices:
        return "one of " + ", ".join(f"`{c}`" for c in s.choices)
    if s.low is None and s.high is None:
        return "any"
    low = "-inf" if s.low is None else fmt_number(s.low)
    high = "inf" if s.high is None else fmt_number(s.high)
    return f"[{low}, {high}]" + (", integer" if s.type is int else "")


def anchor(key: str) -> str:
    """HTML id of a source's row: ``src-`` and the key in lower-case ASCII, other characters as ``-``."""
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
    return "src-" + re.sub(r"[^0-9a-z]+", "-", ascii_key.lower()).strip("-")


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def groups() -> list[tuple[str, str]]:
    """``(name, description)`` of each group in declaration order; ``""`` is the top level."""
    out = [("", "Strategy, effort budget and horizon: top-level fields of `Params`.")]
    for f in dataclasses.fields(Params):
        if isinstance(f.type, type) and dataclasses.is_dataclass(f.type):
            doc = (f.type.__doc__ or "").strip().splitlines()[0]
            out.append((f.name, doc))
    return out


def group_of(path: str) -> str:
    return path.split(".", 1)[0] if "." in path else ""


def heading(name: str) -> str:
    return name if name else "top level"


def render_group(name: str, description: str, specs: Sequence[ParamSpec]) -> list[str]:
    lines = [f"## {heading(name)}", "", description, ""]
    lines.append("| parameter | default | range | unit | description | source |")
    lines.append("|---|---|---|---|---|---|")
    for s in specs:
        source = f"[{cell(s.source)}](#{anchor(s.source)})"
        row = (f"`{s.path}`", fmt_default(s), fmt_range(s), cell(s.unit), cell(s.doc), source)
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    return lines


def render_sources(specs: Sequence[ParamSpec]) -> list[str]:
    used: dict[str, list[str]] = {}
    for s in specs:
        used.setdefault(s.source, []).append(f"`{s.path}`")
    # a source named in a description is the basis of the mechanism, not of the value (its source is
    # then "assumption"): listed too, with those parameters in brackets
    for s in specs:
        for key in SOURCES:
            if key not in PROJECT_KEYS and key != s.source and key in s.doc:
                used.setdefault(key, []).append(f"(`{s.path}`)")
    literature = sorted((k for k in used if k not in PROJECT_KEYS), key=str.casefold)
    order = literature + [k for k in PROJECT_KEYS if k in used]
    lines = [
        "## Sources",
        "",
        "Each source key used above, with the full reference and what the model takes from it. A parameter",
        "in brackets takes only the form or direction of its mechanism from the source (named in its",
        "description); its value is an assumption.",
        "",
        "| key | reference | used by |",
        "|---|---|---|",
    ]
    for key in order:
        paths = used[key]
        users = ", ".join(paths) if len(paths) <= 8 else f"{len(paths)} parameters"
        lines.append(f'| <a id="{anchor(key)}"></a>{cell(key)} | {cell(SOURCES[key])} | {users} |')
    lines.append("")
    return lines


def render() -> str:
    """The full text of ``docs/parameters.md``."""
    specs = list(Params.specs())
    check_specs(specs)
    by_group: dict[str, list[ParamSpec]] = {}
    for s in specs:
        by_group.setdefault(group_of(s.path), []).append(s)
    present = [(name, doc) for name, doc in groups() if name in by_group]
    missing = set(by_group) - {name for name, _ in present}
    if missing:
        raise UndocumentedParameter(f"parameters outside any known group: {sorted(missing)}")
    toc = ", ".join(f"[{heading(name)}](#{heading(name).replace(' ', '-')})" for name, _ in present)
    lines = [HEADER.format(n=len(specs), g=len(present), toc=toc)]
    for name, doc in present:
        lines.extend(render_group(name, doc, by_group[name]))
    lines.extend(render_sources(specs))
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate docs/parameters.md from sim.params.")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file on disk is out of date")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output file (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    try:
        text = render()
    except UndocumentedParameter as exc:
        print(f"gen_parameters: error: undocumented parameters:\n{exc}", file=sys.stderr)
        return 2
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
        if current != text:
            state = "missing" if current is None else "out of date"
            fix = "run python scripts/gen_parameters.py"
            print(f"gen_parameters: {args.out} is {state}; {fix}", file=sys.stderr)
            return 1
        print(f"gen_parameters: {args.out} is up to date")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"gen_parameters: wrote {args.out} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
