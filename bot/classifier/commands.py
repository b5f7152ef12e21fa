"""CLI subcommands for the detector: classify, eval, train."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.classifier import Classifier, ClassifierConfig, backend_unavailable, load_classifier, model_commands, supported_languages
from bot.classifier.base import SET_LANGUAGES, Classification, ModelError, set_language
from bot.classifier.tsv import DataError, read_labelled
from bot.domain.languages import language_name

DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
BACKENDS = ("default", "lexicon", "transformers", "llm")
PUBLIC_SETS = ("tweeteval", "complaints", "airline", "goemotions", "sentences")
LANGUAGE_SETS = tuple(SET_LANGUAGES)
# Not for fitting: chooses how long texts are combined and where the threshold sits.
LONG_TEXTS = Path("reviews") / "dev.tsv"
# Where the public labelled sets come from, for an install that has no ../shared/data beside it.
PUBLIC_DATA_HINT = (
    "the public labelled sets (SET/train.tsv, SET/dev.tsv) that the project keeps in shared/data beside the checkout "
    "(where each comes from: docs/detector-training.md)"
)
# Real texts per public set that the behavioural suite perturbs.
REAL_PER_SET = 60


def _no_public_data(command: str, root: Path, instead: str) -> str:
    return f"complaint-bot {command}: {root} does not exist; this needs {PUBLIC_DATA_HINT}: pass its path with --data, or {instead}"


def _classifier(backend: str) -> Classifier:
    return load_classifier(ClassifierConfig.model_validate({"backend": backend}))


def _named(classifier: Classifier, model: Path | None) -> str:
    return f"{classifier.name} ({model.name})" if model else classifier.name


def _unavailable(command: str, backend: str) -> bool:
    """A backend this install cannot run is one line, before anything is loaded."""
    missing = backend_unavailable(backend)
    if missing is not None:
        print(f"complaint-bot {command}: --backend {backend}: {missing}", file=sys.stderr)
    return missing is not None


def _as_ingest(classifier: Classifier, text: str, brand_terms: Sequence[str] = (), rating: int | None = None) -> Classification:
    """`text` scored in its identified language, as ingest scores a mention: the same text scores the same here and on
    its card."""
    from bot.classifier.language import identify

    return classifier.classify(text, rating=rating, brand_terms=brand_terms, language=identify(text, brand_terms).known)


def cmd_classify(args: argparse.Namespace) -> int:
    if _unavailable("classify", args.backend):
        return 2
    classifier = _classifier(args.backend)
    for text in args.text:
        result = _as_ingest(classifier, text, args.brand or (), args.rating)
        verdict = "NEGATIVE" if result.score >= args.threshold else "not negative"
        why = f" — {', '.join(result.reasons)}" if result.reasons else ""
        print(f"{result.score:.3f} {verdict}{why}: {text}")
        if result.evidence:
            print(f"  weighed most: “{result.evidence}”")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.classifier.evaluate import evaluate, evaluate_all, table

    if _unavailable("eval", args.backend):
        return 2
    if not args.behaviour and args.all == (args.file is not None):
        print("complaint-bot eval: give either FILE, --all or --behaviour", file=sys.stderr)
        return 2
    if args.all and not args.data.is_dir():
        print(_no_public_data("eval --all", args.data, "score your own labelled file: complaint-bot eval FILE.tsv"), file=sys.stderr)
        return 2
    from bot.classifier.models import read_model

    try:
        classifier = read_model(args.model)[0] if args.model else _classifier(args.backend)
    except ModelError as exc:
        print(f"complaint-bot eval: {exc}", file=sys.stderr)
        return 2
    if args.behaviour:
        return _behaviour(args, classifier)
    detectors = {_named(classifier, args.model): lambda text: _as_ingest(classifier, text).score}
    try:
        if args.all:
            for name, count, rows, _ in evaluate_all(args.data, detectors, threshold=args.threshold):
                print(f"**{name}** ({count:,} rows)\n\n{table(rows)}\n")
                if (language := set_language(name)) not in supported_languages(classifier):
                    print(f"The detector does not claim {language_name(language)}: ingest routes such mentions to a person unscored. "
                          "Scored here as any text in a language it does not claim, by the experts of those it does.\n")
            print("The baselines' “best threshold” rows chose their threshold on the very file they are scored on, which flatters them.")
            return 0
        rows, notes = evaluate(args.file, detectors, compare=args.compare, dev_path=args.dev, threshold=args.threshold)
    except DataError as exc:
        print(f"complaint-bot eval: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(f"complaint-bot eval: the baselines need: pip install -e '.[compare]' ({exc.name} missing)", file=sys.stderr)
        return 2
    print(table(rows))
    for note in notes:
        print(f"\n{note}")
    return 0


def _behaviour(args: argparse.Namespace, classifier: Classifier) -> int:
    from bot.classifier.behaviour import Detector, build_suite, report
    from bot.classifier.evaluate import vader_scorer

    try:
        real = real_texts(args.data)
        vader = vader_scorer()
    except DataError as exc:
        print(f"complaint-bot eval: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(f"complaint-bot eval: the VADER baseline needs: pip install -e '.[compare]' ({exc.name} missing)", file=sys.stderr)
        return 2
    detectors = [
        Detector(_named(classifier, args.model), lambda text, brand: _as_ingest(classifier, text, brand).score, args.threshold),
        Detector("VADER", lambda text, brand: vader(text), 0.05),
    ]
    rendered, _ = report(build_suite(real), detectors)
    print(rendered)
    print(f"\nA failure: the wrong verdict (MFT), a flipped verdict (INV), a lower score (DIR). Real texts: {len(real)} drawn from "
          f"the dev files of {', '.join(PUBLIC_SETS)}. VADER flags compound <= -0.05; {classifier.name} flags score >= {args.threshold:g}.")
    return 0


def real_texts(root: Path, per_set: int = REAL_PER_SET) -> list[str]:
    """A fixed sample of each English public set's dev texts (the first rows of a seeded shuffle)."""
    import random

    found: list[str] = []
    for name in PUBLIC_SETS:
        path = root / name / "dev.tsv"
        if not path.exists():
            raise DataError(f"{path}: not found (the behavioural suite perturbs real texts from the public sets' dev files; see --data)")
        texts, _ = read_labelled(path)
        random.Random(name).shuffle(texts)
        found += texts[:per_set]
    return found


def cmd_train(args: argparse.Namespace, locate: model_commands.Locate) -> int:
    if args.add and not args.data:
        return model_commands.cmd_train_adapter(args, locate)
    if not args.data and not DEFAULT_DATA.is_dir():
        instead = "teach the shipped model your team's labels: complaint-bot train --add labels/"
        print(_no_public_data("train", DEFAULT_DATA, instead), file=sys.stderr)
        return 2
    try:
        from bot.classifier.train import train
    except ImportError:
        print("complaint-bot train: needs the training extra: pip install -e '.[train]'", file=sys.stderr)
        return 2
    dirs = (args.data or [DEFAULT_DATA / name for name in PUBLIC_SETS + LANGUAGE_SETS]) + (args.add or [])
    long_texts = args.long_texts or (DEFAULT_DATA / LONG_TEXTS if (DEFAULT_DATA / LONG_TEXTS).exists() else None)
    try:
        run = train(dirs, **({"out": args.out} if args.out else {}), seed=args.seed, long_texts=long_texts)
    except DataError as exc:
        print(f"complaint-bot train: {exc}", file=sys.stderr)
        return 2
    print(f"trained on {run.rows:,} rows in {run.seconds}s (expert share {run.mix}, passages {run.settings}, threshold {run.threshold_logit:+.2f} -> 0.5)")
    for name, f1 in run.validation_f1.items():
        dev = f", dev F1 {run.dev_f1[name]:.3f}" if name in run.dev_f1 else ""
        print(f"  {name}: validation F1 {f1:.3f}{dev}")
    for name in run.dev_f1.keys() - run.validation_f1.keys():
        print(f"  {name}: dev F1 {run.dev_f1[name]:.3f} (chose passages and threshold)")
    return 0


def _terms(value: str) -> list[str]:
    return [term.strip() for term in value.split(",") if term.strip()]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], locate: model_commands.Locate) -> None:
    """`locate` says where the team's models live (it reads the config, which only the caller may)."""
    classify = sub.add_parser("classify", help="score texts for negativity and say why", description="Score texts for negativity and say why.")
    classify.add_argument("text", nargs="+", help="one or more texts (quote each)")
    classify.add_argument("--rating", type=int, choices=range(1, 6), help="star rating, for reviews")
    # One value per --brand (repeat it, or separate terms with commas): a list option would swallow the texts after it.
    classify.add_argument(
        "--brand", action="extend", type=_terms, metavar="TERM[,TERM…]", help="brand terms: passages naming them weigh more (repeatable)"
    )
    classify.add_argument("--backend", choices=BACKENDS, default="default", help="which detector (default: the shipped one)")
    classify.add_argument("--threshold", type=float, default=0.5, help="score at or above which a text is negative (default: 0.5)")
    classify.set_defaults(func=cmd_classify)

    evaluate = sub.add_parser(
        "eval", help="precision / recall / F1 on a labelled TSV (text<TAB>label), or on every public set",
        description="Precision, recall and F1 of the negative class on a labelled TSV (text<TAB>label, header line), as a Markdown table.",
    )
    evaluate.add_argument("file", type=Path, nargs="?", help="TSV with a header line: text<TAB>label")
    evaluate.add_argument("--all", action="store_true", help="every SET/dev.tsv under --data, one table each, with the baselines")
    evaluate.add_argument("--behaviour", action="store_true", help="behavioural tests (clear cases, neutral perturbations, direction) beside VADER")
    evaluate.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"where --all and --behaviour look (default: {DEFAULT_DATA})")
    evaluate.add_argument("--compare", action="store_true", help="add VADER and TextBlob, standard and dev-tuned thresholds")
    evaluate.add_argument("--backend", choices=BACKENDS, default="default", help="which detector (default: the shipped one)")
    evaluate.add_argument("--model", type=Path, help="score with this model file (the team's, from train --add) instead")
    evaluate.add_argument("--dev", type=Path, help="file for choosing the baselines' best threshold (default: dev.tsv beside FILE)")
    evaluate.add_argument("--threshold", type=float, default=0.5, help="score at or above which a text is negative (default: 0.5)")
    evaluate.set_defaults(func=cmd_eval)

    training = sub.add_parser(
        "train", help="teach the detector the team's labels (--add), or re-train it on public sets (--data)",
        description=(
            "With --add alone: fit an adapter over the shipped model on the team's labels (export-labels writes them); "
            "needs nothing beside the install and writes a new file in the data directory (or --out). "
            "With --data: re-train the whole model on train.tsv files (needs the public sets and pip install -e '.[train]')."
        ),
    )
    training.add_argument(
        "--data", type=Path, nargs="+", help=f"folders with a train.tsv for a full re-train (default: {', '.join(PUBLIC_SETS + LANGUAGE_SETS)} under {DEFAULT_DATA})"
    )
    training.add_argument("--add", type=Path, nargs="+", help="the team's labels: a folder with train.tsv (as export-labels writes it) or the TSV")
    training.add_argument("--long-texts", type=Path, help=f"labelled long texts for choosing passages and threshold (default: {LONG_TEXTS} there)")
    training.add_argument("--out", type=Path, help="where to write the model (default with --add: a new file in the models folder)")
    training.add_argument("--seed", type=int, default=13, help="random seed for the validation split (default: 13)")
    training.set_defaults(func=lambda args: cmd_train(args, locate))
    model_commands.register(sub, locate)
