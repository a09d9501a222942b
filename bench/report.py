"""Rewrite the results table in docs/benchmarks.md from bench/results/*.json."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"


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


def main() -> None:
    text = DOC.read_text()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{START}\n{table()}\n{END}{tail}")


if __name__ == "__main__":
    main()
