"""Rewrite the results table in docs/benchmarks.md from bench/results/*.json."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
VOICES_START, VOICES_END = "<!-- voices:start -->", "<!-- voices:end -->"
LIFE_START, LIFE_END = "<!-- life:start -->", "<!-- life:end -->"
DEVELOPMENT_START, DEVELOPMENT_END = "<!-- development:start -->", "<!-- development:end -->"
WORKBENCH_START, WORKBENCH_END = "<!-- workbench:start -->", "<!-- workbench:end -->"
TOPICS_START, TOPICS_END = "<!-- topics:start -->", "<!-- topics:end -->"


def table() -> str:
    lines = []
    pages = RESULTS / "pages.json"
    if pages.exists():
        data = json.loads(pages.read_text())
        lines += [
            f"Database: {data['database']}; {data['people']:,} people, "
            f"{data['members_in_scope']:,} members in the 党委's scope, {data['branches']:,} branches.",
            "",
            "| case | median ms | p95 ms | min–max ms | queries | target |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for name, row in data["cases"].items():
            ok = "✓" if row["p95_ms"] <= 100 else "✗ over 100 ms"
            spread = f"{row['min_ms']}–{row['max_ms']}" if "min_ms" in row else ""
            lines.append(
                f"| {name} (`{row['url']}`) | {row['median_ms']} | {row['p95_ms']} | {spread} "
                f"| {row['queries']} | {ok} |"
            )
    imports = RESULTS / "import.json"
    if imports.exists():
        data = json.loads(imports.read_text())
        ok = "✓" if data["seconds"] <= 60 else "✗ over 60 s"
        again = data["same_file_again"]
        lines += [
            "",
            "| import | rows | seconds | result | target |",
            "| --- | ---: | ---: | --- | --- |",
            f"| {data['what']} | {data['rows']:,} | {data['seconds']} | "
            f"新增 {data['first']['created']:,} | {ok} |",
            f"| the same file again | {data['rows']:,} | {again['seconds']} | "
            f"未变化 {again['unchanged']:,} | |",
            "",
            "Phases (read / check / write): " + "; ".join(data["first"]["phases"]),
        ]
    voice_import = RESULTS / "voice_import.json"
    if voice_import.exists():
        data = json.loads(voice_import.read_text())
        first, again = data["first"], data["same_file_again"]
        ok = "✓" if data["seconds"] <= 60 else "✗ over 60 s (wall, shared machine: see CPU)"
        lines += [
            "",
            "| 群众呼声 import | rows | seconds | CPU s (Python + database) | load | result | target |",
            "| --- | ---: | ---: | ---: | ---: | --- | --- |",
            f"| {data['what']} | {data['rows']:,} | {first['seconds']} | "
            f"{first['cpu_seconds_python']} + {first['cpu_seconds_database']} | "
            f"{first['load_average_before']} | 新增 {first['created']:,}"
            f"（历史记录 {first['history']:,}） | {ok} |",
            f"| the same file again | {data['rows']:,} | {again['seconds']} | "
            f"{again['cpu_seconds_python']} + {again['cpu_seconds_database']} | "
            f"{again['load_average_before']} | 此前已导入 {again['unchanged']:,} | |",
            "",
            f"Voices before: {data['voices_before']:,} ({data['database']}); file "
            f"{data['file_mb']} MB. Phases: " + "; ".join(first["phases"]),
        ]
    submit = RESULTS / "voice_submit.json"
    if submit.exists():
        data = json.loads(submit.read_text())
        lines += [
            "",
            "| over HTTP (gunicorn) | req/s | median ms | p95 ms | errors |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for name, row in data["cases"].items():
            lines.append(
                f"| {name} (`{row['url']}`) | {row['rps']} | {row['median_ms']} | {row['p95_ms']} "
                f"| {row['errors']} |"
            )
        ratios = data["ratios"]
        lines += [
            "",
            f"Submission ÷ healthz: throughput {ratios['throughput']}, p95 {ratios['p95']} "
            f"({data['server']['gunicorn_workers']} gunicorn workers, {data['concurrency']} clients, "
            f"{data['machine']['cpus']} CPUs, {data['database']}; "
            f"{data['requests_per_round']:,} requests per round, rounds {', '.join(data['rounds'])}).",
        ]
    return "\n".join(lines)


def voices_table() -> str:
    """The 群众呼声 pages on two million voices (``voices_bench.py``) and the retraining time."""
    lines = []
    voices = RESULTS / "voices.json"
    if voices.exists():
        data = json.loads(voices.read_text())
        lines += [
            f"Database: {data['database']}; {data['voices']:,} voices, {data['open_voices']:,} open; "
            f"the handler works in {data['handler_unit']} ({data['handler_unit_open']} open voices, "
            f"the busiest unit). Target: p95 ≤ {data['target_ms']} ms.",
            "",
            "| case | median ms | p95 ms | min–max ms | queries | target |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for name, row in data["cases"].items():
            ok = "✓" if row["p95_ms"] <= data["target_ms"] else "✗"
            lines.append(
                f"| {name} (`{row['url']}`) | {row['median_ms']} | {row['p95_ms']} "
                f"| {row['min_ms']}–{row['max_ms']} | {row['queries']} | {ok} |"
            )
    model = RESULTS / "voice_model.json"
    if model.exists():
        lines += model_lines(json.loads(model.read_text()))
    return "\n".join(lines)


def model_lines(data: dict) -> list[str]:
    """The category model (``voice_model_bench.py``): retraining at scale, features by
    cross-validation on generated messages, the first suggestion, a long body, the demo."""
    lines = [
        "",
        f"Retraining the category model on {data['samples']:,} voices ({data['folds']}-fold "
        f"cross-validation, the final fit and the save): **{data['seconds']} s**, peak memory "
        f"{data['peak_memory_mb']} MB; accuracy {data['accuracy']}, macro-F1 {data['macro_f1']} "
        f"({data['note']}{'; from an earlier run' if data.get('kept_from_last_run') else ''}).",
    ]
    generated = data.get("generated")
    if not generated:
        return lines
    lines += [
        "",
        f"Category model, 5-fold cross-validation on {generated['messages']:,} generated 12345-style "
        f"messages in {generated['categories']} categories (`bench/voice_messages.py`: "
        f"{generated['untitled_share']:.0%} untitled, median {generated['median_characters']} and up "
        f"to {generated['max_characters']:,} characters, {generated['mislabelled_share']:.0%} "
        f"mislabelled; first {generated['max_text']:,} characters read):",
        "",
        "| features | alpha | accuracy | macro-F1 | top-2 | top-3 | macro-F1, rightly filed | top-3, rightly filed |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, runs in generated["features"].items():
        scored = (
            {k: v for k, v in runs.items() if k.startswith("alpha=")}
            if "accuracy" not in runs
            else {"alpha=0.0001": runs}
        )
        for alpha, row in scored.items():
            lines.append(
                f"| {name} | {alpha.removeprefix('alpha=')} | {row['accuracy']} | {row['macro_f1']} "
                f"| {row['top2']} | {row['top3']} | {row['macro_f1_clean']} | {row['top3_clean']} |"
            )
    first, long_body, demo = data["first_suggestion_s"], data["long_body"], data["demo_smoke"]
    lines += [
        "",
        f"First suggestion in a fresh process: **{first['cold']['first']} s** without warm-up (the "
        f"model read on the first request, as before), **{first['warm']['first']} s** after the "
        f"warm-up a worker now runs at its start ({first['warm']['warmup']} s, before any request). "
        f"A {long_body['whole']['characters']:,}-character body: {long_body['whole']['median_s']} s "
        f"read whole, {long_body['cut']['median_s']} s cut to {long_body['cut']['characters']:,}. "
        f"Demo data (smoke test only: few, repeated texts): {demo['samples']} voices, "
        f"{demo['categories']} categories, macro-F1 {demo['macro_f1']}, top-3 {demo['top3']}.",
    ]
    return lines


def life_table() -> str:
    """组织生活 on the large data set (``life_bench.py``)."""
    life = RESULTS / "life.json"
    if not life.exists():
        return ""
    data = json.loads(life.read_text())
    lines = [
        f"Database: {data['database']}; {data['meetings']:,} meetings, "
        f"{data['attendance_rows']:,} attendance rows, {data['branches']:,} branches; the branch is "
        f"{data['branch']} ({data['branch_meetings']} meetings).",
        "",
        "| case | median ms | p95 ms | min–max ms | queries | target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, row in data["cases"].items():
        if row["target_ms"] is None:  # a slow card's own request, after the page has answered
            ok = "after the page (HTMX)"
        else:
            ok = "✓" if row["p95_ms"] <= row["target_ms"] else f"✗ over {row['target_ms']} ms"
        lines.append(
            f"| {name} (`{row['url']}`) | {row['median_ms']} | {row['p95_ms']} "
            f"| {row['min_ms']}–{row['max_ms']} | {row['queries']} | {ok} |"
        )
    return "\n".join(lines)


def development_table() -> str:
    """发展党员 on the large data set (``development_bench.py``)."""
    development = RESULTS / "development.json"
    if not development.exists():
        return ""
    data = json.loads(development.read_text())
    lines = [
        f"Database: {data['database']}; {data['cases']:,} cases ({data['open_cases']:,} open), "
        f"{data['step_records']:,} steps done, {data['assessments']:,} assessments, "
        f"{data['branches']:,} branches; the company is {data['company']}, the branch "
        f"{data['branch']}.",
        "",
        "| case | median ms | p95 ms | min–max ms | queries | target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, row in data["pages"].items():
        if row["target_ms"] is None:  # a slow card's own request, after the page has answered
            ok = "after the page (HTMX)"
        else:
            ok = "✓" if row["p95_ms"] <= row["target_ms"] else f"✗ over {row['target_ms']} ms"
        lines.append(
            f"| {name} (`{row['url']}`) | {row['median_ms']} | {row['p95_ms']} "
            f"| {row['min_ms']}–{row['max_ms']} | {row['queries']} | {ok} |"
        )
    return "\n".join(lines)


def workbench_table() -> str:
    """The 工作台 of each role (``workbench_bench.py``)."""
    workbench = RESULTS / "workbench.json"
    if not workbench.exists():
        return ""
    data = json.loads(workbench.read_text())
    lines = [
        f"Database: {data['database']}; {data['orgs']:,} organisations, {data['branches']:,} branches, "
        f"{data['voices']:,} voices.{(' ' + data['note']) if data.get('note') else ''}",
        "",
        "| case | median ms | p95 ms | min–max ms | queries | target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, row in data["cases"].items():
        if row["target_ms"] is None:  # a slow card's own request, after the page has answered
            ok = "after the page (HTMX)"
        else:
            ok = "✓" if row["p95_ms"] <= row["target_ms"] else f"✗ over {row['target_ms']} ms"
        lines.append(
            f"| {name} (`{row['url']}`) | {row['median_ms']} | {row['p95_ms']} "
            f"| {row['min_ms']}–{row['max_ms']} | {row['queries']} | {ok} |"
        )
    return "\n".join(lines)


def topics_table() -> str:
    """Hot topics (``topics_bench.py``)."""
    topics = RESULTS / "topics.json"
    if not topics.exists():
        return ""
    data = json.loads(topics.read_text())
    load = data.get("load_average_before", ["?"])[0], data.get("load_average_after", ["?"])[0]
    lines = [
        f"Database: {data['database']}; {data['voices']:,} voices, {data['voices_in_the_year']:,} in "
        f"the year measured; sample {data['sample']:,} voices per period; load average "
        f"{load[0]} before and {load[1]} after on 2 cores. Computed afresh: the Django cache cleared "
        "before each run, every voice's words stored.",
        "",
        "| case | median ms | p95 ms | min–max ms | queries | target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, row in data["cases"].items():
        ok = "✓" if row["p95_ms"] <= data["target_ms"] else f"✗ over {data['target_ms']} ms"
        lines.append(
            f"| {name} (`{row['url']}`) | {row['median_ms']} | {row['p95_ms']} "
            f"| {row['min_ms']}–{row['max_ms']} | {row['queries']} | {ok} |"
        )
    cold = ", ".join(f"{ms:,}" for ms in data["cold_year_ms"])
    index = data["index_all"]
    lines += [
        "",
        f"First computation of the group's year with no word stored ({data['cold_words_stored']:,} "
        f"voices segmented and stored): {cold} ms (the first run also loads jieba's dictionary). "
        f"Storing every voice's words (`dangqun index_voice_topics`): {index['voices']:,} voices in "
        f"{index['seconds']} s.",
    ]
    return "\n".join(lines)


def replace(text: str, start: str, end: str, body: str) -> str:
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"


def main() -> None:
    text = replace(DOC.read_text(), START, END, table())
    text = replace(text, VOICES_START, VOICES_END, voices_table())
    if LIFE_START in text:
        text = replace(text, LIFE_START, LIFE_END, life_table())
    if DEVELOPMENT_START in text:
        text = replace(text, DEVELOPMENT_START, DEVELOPMENT_END, development_table())
    if WORKBENCH_START in text:
        text = replace(text, WORKBENCH_START, WORKBENCH_END, workbench_table())
    if TOPICS_START in text:
        text = replace(text, TOPICS_START, TOPICS_END, topics_table())
    DOC.write_text(text)


if __name__ == "__main__":
    main()
