"""Counts the tests a run of scripts/test-all.sh ran and skipped, from the JUnit XML reports
(Maven Surefire's per module, pytest's), and lists every skip with its reason.

Exits non-zero when no report is found, so a run that silently tested nothing does not pass.
"""

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def suites(path: Path):
    root = ET.parse(path).getroot()
    return [root] if root.tag == "testsuite" else list(root.iter("testsuite"))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seconds", type=int, default=None, help="the run's wall time, printed with the counts")
    args = p.parse_args()
    reports = sorted(ROOT.glob("*/target/surefire-reports/TEST-*.xml")) + sorted(ROOT.glob("target/pytest-report.xml"))
    if not reports:
        print("test counts: no JUnit reports found", file=sys.stderr)
        return 1
    rows = {}
    skips = []
    for report in reports:
        part = "pytest (models/tests)" if report.parent.name == "target" else report.parts[-4]
        for s in suites(report):
            run, skipped = rows.get(part, (0, 0))
            rows[part] = (run + int(s.get("tests", 0)), skipped + int(s.get("skipped", 0)))
            for case in s.iter("testcase"):
                skip = case.find("skipped")
                if skip is not None:
                    reason = (skip.get("message") or skip.text or "").strip().splitlines()
                    skips.append(f"{part}: {case.get('classname')}.{case.get('name')}: "
                                 f"{reason[0] if reason else 'no reason given'}")
    width = max(len(k) for k in rows)
    print("\n== tests run and skipped ==")
    for part, (run, skipped) in rows.items():
        print(f"{part:<{width}}  {run:5d} run  {skipped:3d} skipped")
    total_run = sum(r for r, _ in rows.values())
    total_skipped = sum(s for _, s in rows.values())
    took = f" in {args.seconds} s" if args.seconds is not None else ""
    print(f"{'total':<{width}}  {total_run:5d} run  {total_skipped:3d} skipped{took}")
    for line in skips:
        print("skipped: " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
