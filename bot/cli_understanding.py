"""`contactbot understanding train`: retrain the concern model from the labelled corpus and print its figures.

Example: `uv run contactbot understanding train` (from the repository root) reads `corpus/`, prints the
out-of-fold and in-sample recall, false alarms and category accuracy, and rewrites
`bot/data/understanding.json`. Needs scikit-learn (a development dependency: `uv sync` installs it).
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from typing import Any

from bot.cli import UserError
from bot.config import Settings

WEIGHTS = Path(__file__).resolve().parent / "data" / "understanding.json"


def add_commands(sub: Any) -> None:
    understanding = sub.add_parser("understanding", help="the crisis and category model").add_subparsers(
        dest="understanding_command", metavar="ACTION")
    understanding.required = True
    train = understanding.add_parser("train", help="retrain from corpus/ and print out-of-fold figures")
    train.add_argument("--corpus", type=Path, default=Path("corpus"), help="labelled corpus folder (default: corpus)")
    train.add_argument("--output", type=Path, default=WEIGHTS, help=f"weights file (default: {WEIGHTS})")
    train.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    train.set_defaults(fn=cmd_train)


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    if importlib.util.find_spec("sklearn") is None:
        raise UserError("训练需要 scikit-learn：在仓库目录运行 uv sync（开发依赖）后再试")
    if not args.corpus.is_dir():
        raise UserError(f"找不到语料目录 {args.corpus}（请在仓库根目录运行，或用 --corpus 指定）")
    from bot.parse.learn import train, write_model  # scikit-learn is only needed here

    try:
        data, report = train(args.corpus)
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    print("\n".join(report))
    if not args.dry_run:
        write_model(data, args.output)
        print(f"已写入 {args.output}")
    return 0
