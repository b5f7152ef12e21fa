"""CLI for the team's models: `train --add` (an adapter on their labels), `model list`, `model use`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.classifier.base import ModelError
from bot.classifier.tsv import DataError

if TYPE_CHECKING:  # numpy and the model load only when a command needs them, not for every `complaint-bot`
    from bot.classifier.models import ModelInfo, ModelLocations

Locate = Callable[[], "ModelLocations"]
# `model use shipped`: back to the model the package ships.
SHIPPED = "shipped"


def _stamp() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def cmd_train_adapter(args: argparse.Namespace, locate: Locate) -> int:
    from bot.classifier.adapter import AdapterError
    from bot.classifier.teach import teach

    if len(args.add) != 1:
        print("complaint-bot train: --add takes one folder or file of the team's labels (merge them into one train.tsv)", file=sys.stderr)
        return 2
    out = args.out or locate().directory / f"team-{_stamp()}.npz"
    try:
        taught = teach(args.add[0], out, seed=args.seed)
    except (DataError, AdapterError) as exc:
        print(f"complaint-bot train: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"complaint-bot train: {out.parent}: cannot write the model there ({exc.strerror})", file=sys.stderr)
        return 2
    print(f"wrote {taught.path}: an adapter over the shipped model, from {taught.rows:,} labelled texts ({taught.complaints:,} complaints)")
    print(
        f"  on {taught.check_rows} of them held back while fitting: F1 {taught.shipped_f1:.3f} with the shipped model, "
        f"{taught.adapted_f1:.3f} with the adapter"
    )
    print(f"score a file with it: complaint-bot eval FILE.tsv --model {taught.path}")
    print(f"put it to work (a running bot picks it up): complaint-bot model use {taught.path}")
    return 0


def _describe(info: ModelInfo) -> str:
    if info.kind == "full":
        return f"full model, written {info.created}"
    return f"adapter over shipped {(info.base_sha256 or '')[:12]}, {info.rows:,} rows, trained {info.created}"


def cmd_model_list(args: argparse.Namespace, locate: Locate) -> int:
    from bot.classifier.models import check_model, listed, shipped_sha256

    where = locate()
    current = where.in_use()
    print(f"models in {where.directory} (shipped model {shipped_sha256()[:12]}):")
    found = listed(where.directory)
    for entry in found:
        if isinstance(entry, ModelError):
            print(f"    {entry}")
            continue
        mark = "*" if current is not None and entry.path.resolve() == current.resolve() else " "
        print(f"  {mark} {entry.path.name}: {_describe(entry)}")
    if not found:
        print("    none yet: complaint-bot export-labels, then complaint-bot train --add labels/")
    if current is None:
        print("in use: the shipped model")
        return 0
    print(f"in use: {current}" + (" (pinned by [classifier] model in the config)" if where.pinned is not None else ""))
    try:
        check_model(current)
    except ModelError as exc:
        print(f"  {exc}: a running bot keeps the model it had, and a new start is refused (choose one with `complaint-bot model use`)")
    return 0


def cmd_model_use(args: argparse.Namespace, locate: Locate) -> int:
    from bot.classifier.models import use, use_shipped

    where = locate()
    if where.pinned is not None:
        pinned = f"[classifier] model pins {where.pinned} in the config"
        print(f"complaint-bot model use: {pinned}; remove that key to switch models here", file=sys.stderr)
        return 2
    # A bare name as `model list` shows it means that file in the models folder.
    path = args.path if args.path.exists() or args.path.parent != Path(".") else where.directory / args.path
    try:
        if str(args.path) == SHIPPED and not args.path.exists():
            use_shipped(where.directory)
            print("in use: the shipped model; a running bot switches to it within seconds")
            return 0
        chosen = use(where.directory, path)
    except ModelError as exc:
        print(f"complaint-bot model use: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"complaint-bot model use: {where.directory}: cannot write there ({exc.strerror})", file=sys.stderr)
        return 2
    print(f"in use: {chosen.path} ({_describe(chosen)}); a running bot switches to it within seconds")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], locate: Locate) -> None:
    model = sub.add_parser(
        "model", help="the team's models in the data directory: list them, choose the one in use",
        description="The team's models (from `train --add`) in the data directory's models folder ([classifier] models_dir).",
    )
    actions = model.add_subparsers(dest="model_command", required=True, metavar="ACTION", help="list: the models; use: choose one")
    listing = actions.add_parser(
        "list", help="each model: what it was trained on and when; * marks the one in use",
        description="Each model in the models folder: what it was trained on and when; * marks the one in use.",
    )
    listing.set_defaults(func=lambda args: cmd_model_list(args, locate))
    choose = actions.add_parser(
        "use", help="check a model file and put it in use (a running bot picks it up; `use OLD` rolls back)",
        description="Check a model file and put it in use: a running bot switches to it within seconds; `use OLD` rolls back.",
    )
    choose.add_argument("path", type=Path, help=f"a model file, e.g. one `model list` shows, or `{SHIPPED}` for the shipped model")
    choose.set_defaults(func=lambda args: cmd_model_use(args, locate))
