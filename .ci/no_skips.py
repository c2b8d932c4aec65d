"""Fail CI when any test was skipped: every backend and browser test must really run there."""

import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
skipped = [
    f"{case.get('classname')}::{case.get('name')}: {skip.get('message', '')}"
    for case in root.iter("testcase")
    for skip in case.findall("skipped")
]
total = sum(1 for _ in root.iter("testcase"))
if skipped:
    print(f"CI: {len(skipped)} of {total} tests were skipped; in CI every test must run:")
    print("\n".join(f"  {s}" for s in skipped))
    sys.exit(1)
print(f"CI: all {total} tests ran (none skipped)")
