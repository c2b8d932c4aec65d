"""`contactbot understanding train`: retrain the concern model from the labelled corpus and print its figures;
`contactbot understanding feedback export FILE`: write the school's labelled false alarms and missed crises
(bot/concerns/feedback.py) as corpus records that the training can include.

Example: `uv run contactbot understanding feedback export corpus/feedback/2027-01.jsonl`, then
`uv run contactbot understanding train` (from the repository root) reads `corpus/` with it, prints the
out-of-fold and in-sample recall, false alarms and category accuracy, and rewrites
`bot/data/understanding.json`. Training needs scikit-learn (a development dependency: `uv sync` installs it).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any

from bot.cli.main import UserError
from bot.config import Settings

WEIGHTS = Path(__file__).resolve().parents[1] / "data" / "understanding.json"


def add_commands(sub: Any) -> None:
    understanding = sub.add_parser("understanding", help="the crisis and category model").add_subparsers(
        dest="understanding_command", metavar="ACTION")
    understanding.required = True
    train = understanding.add_parser("train", help="retrain from corpus/ and print out-of-fold figures")
    train.add_argument("--corpus", type=Path, default=Path("corpus"), help="labelled corpus folder (default: corpus)")
    train.add_argument("--output", type=Path, default=WEIGHTS, help=f"weights file (default: {WEIGHTS})")
    train.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    train.add_argument("--extra", type=Path, action="append", default=[], metavar="FILE",
                       help="labelled feedback (corpus JSONL) to include; corpus/feedback/*.jsonl always is")
    train.set_defaults(fn=cmd_train)
    feedback = understanding.add_parser("feedback", help="labelled false alarms and missed crises").add_subparsers(
        dest="feedback_command", metavar="ACTION")
    feedback.required = True
    export = feedback.add_parser("export", help="write the labelled set as corpus JSONL")
    export.add_argument("file", type=Path, help="output file (- for stdout)")
    export.add_argument("--school", default=None, help="one school's (default: every school's)")
    export.set_defaults(fn=cmd_feedback_export)


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    if importlib.util.find_spec("sklearn") is None:
        raise UserError("训练需要 scikit-learn：在仓库目录运行 uv sync（开发依赖）后再试")
    if not args.corpus.is_dir():
        raise UserError(f"找不到语料目录 {args.corpus}（请在仓库根目录运行，或用 --corpus 指定）")
    from bot.parse.learn import train, write_model  # scikit-learn is only needed here

    try:
        data, report = train(args.corpus, args.extra)
    except (FileNotFoundError, ValueError) as exc:
        raise UserError(str(exc)) from None
    print("\n".join(report))
    if not args.dry_run:
        write_model(data, args.output)
        print(f"已写入 {args.output}")
    return 0


def cmd_feedback_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write the labelled set (de-identified words, never a sender) as corpus JSONL; one audit row per school."""
    from sqlalchemy import select

    from bot.chat.context import Deps
    from bot.cli.main import _require_schema, _school
    from bot.cli.privacy import cli_address
    from bot.concerns.feedback import write_corpus
    from bot.concerns.models import FeedbackExample
    from bot.store.audit import record
    from bot.store.models import School

    deps = Deps.build(settings)
    try:
        _require_schema(deps)
        with deps.sessions.begin() as db:
            schools = [_school(db, args.school, settings)] if args.school is not None else list(
                db.scalars(select(School).order_by(School.id)))
            rows = list(db.scalars(select(FeedbackExample).where(
                FeedbackExample.school_id.in_([s.id for s in schools])).order_by(FeedbackExample.id)))
            if str(args.file) == "-":
                count = write_corpus(rows, sys.stdout)
            else:
                with open(args.file, "w", encoding="utf-8") as out:
                    count = write_corpus(rows, out)
            for school in schools:
                record(db, school_id=school.id, actor="cli", action="feedback.export", target="feedback.jsonl",
                       detail={"rows": sum(r.school_id == school.id for r in rows)}, at=deps.clock(),
                       address=cli_address())
    except OSError as exc:
        raise UserError(f"无法写入 {args.file}：{exc.strerror}") from None
    finally:
        deps.close()
    if str(args.file) != "-":
        print(f"已导出 {count} 条误报漏报样本到 {args.file}", file=sys.stderr)
    return 0
