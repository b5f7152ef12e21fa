"""The team's models on a real install: train --add refuses bad labels and writes nothing, never writes into the
package; model use refuses a bad file in one line and switches atomically; a running bot picks the new model up
without a restart, keeps the old one when the new does not read, and rolls back."""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
from pathlib import Path

import numpy as np
import pytest

from bot.classifier import commands
from bot.classifier.base import ModelError
from bot.classifier.linear import MODEL_PATH, LinearClassifier
from bot.classifier.live import LiveModel
from bot.classifier.models import POINTER, ModelLocations, TeamClassifier, pointed_at, read_model, use, use_shipped
from bot.classifier.teach import PACKAGE
from bot.classifier.tsv import write_labelled
from bot.cli import main
from bot.settings import get_settings
from tests.conftest import TEST_CONFIG
from tests.unit.classifier.bank_domain import TRAIN, mentions

DECLINED = "Card declined at the supermarket although the balance is fine and the money is still stuck"


@pytest.fixture(scope="module")
def labels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("labels")
    write_labelled(mentions(TRAIN, 150, seed=11), folder / "train.tsv")
    return folder


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config and a SQLite database in tmp_path: the team's models live in tmp_path/models."""
    (tmp_path / "complaint-bot.toml").write_text(TEST_CONFIG, encoding="utf-8")
    monkeypatch.setenv("COMPLAINT_BOT_CONFIG", str(tmp_path / "complaint-bot.toml"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def two_models(labels: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("trained")
    assert main(["train", "--add", str(labels), "--out", str(folder / "a.npz")]) == 0
    write_labelled(mentions(TRAIN, 150, seed=12)[:100], folder / "other.tsv")
    assert main(["train", "--add", str(folder / "other.tsv"), "--out", str(folder / "b.npz")]) == 0
    return folder / "a.npz", folder / "b.npz"


def package_hashes() -> dict[str, str]:
    files = [p for p in sorted(PACKAGE.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    return {str(p.relative_to(PACKAGE)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_train_add_writes_the_model_outside_the_package_and_changes_nothing_inside(
    labels: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = package_hashes()
    assert main(["train", "--add", str(labels / "train.tsv"), "--out", str(tmp_path / "team.npz")]) == 0
    assert package_hashes() == before
    assert isinstance(read_model(tmp_path / "team.npz")[0], TeamClassifier)
    assert "complaint-bot model use" in capsys.readouterr().out
    assert main(["train", "--add", str(labels), "--out", str(MODEL_PATH.with_name("team.npz"))]) == 2
    assert "inside the installed package" in capsys.readouterr().err and package_hashes() == before


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("", "header"),
        ("words\tlabel\nthe card was declined\t1\n", "header 'text<TAB>label'"),
        ("text\tlabel\n" + "card declined again\t2\n" * 60, "expected text<TAB>0 or 1"),
        ("text\tlabel\n" + "".join(f"transfer {i} pending\t{i % 2}\n" for i in range(20)), "at least 50"),
        ("text\tlabel\n" + "".join(f"transfer {i} pending\t1\n" for i in range(80)), "at least 10 of each label"),
    ],
)
def test_train_add_says_what_is_wrong_with_the_labels_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, says: str
) -> None:
    (tmp_path / "train.tsv").write_text(content, encoding="utf-8")
    assert main(["train", "--add", str(tmp_path), "--out", str(tmp_path / "models" / "team.npz")]) == 2
    err = capsys.readouterr().err
    assert says in err and str(tmp_path / "train.tsv") in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "models").exists()


def test_train_and_eval_all_without_the_public_sets_say_what_they_need(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(commands, "DEFAULT_DATA", tmp_path / "shared" / "data")
    assert main(["train"]) == 2
    err = capsys.readouterr().err.strip()
    assert "shared/data" in err and "train --add" in err and len(err.splitlines()) == 1
    assert main(["eval", "--all", "--data", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip()
    assert "public labelled sets" in err and "complaint-bot eval FILE.tsv" in err and len(err.splitlines()) == 1


def broken_models(folder: Path, good: Path) -> dict[str, Path]:
    folder.mkdir(exist_ok=True)
    (folder / "truncated.npz").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    (folder / "text.npz").write_text("not a model\n", encoding="utf-8")
    damaged = bytearray(good.read_bytes())  # the zip's directory intact, a member's compressed bytes not
    damaged[200:260] = bytes(60)
    (folder / "damaged.npz").write_bytes(bytes(damaged))
    np.savez(folder / "foreign.npz", numbers=np.arange(3))
    # The same adapter, made over another shipped model.
    with np.load(good) as data:
        arrays = {name: data[name] for name in data.files}
    provenance = json.loads(str(arrays["provenance"]))
    arrays["provenance"] = np.array(json.dumps({**provenance, "base_sha256": "0" * 64}))
    np.savez(folder / "other-base.npz", **arrays)
    return {"missing": folder / "missing.npz", **{p.stem: p for p in folder.glob("*.npz")}}


def test_model_use_refuses_a_bad_file_in_one_line_and_keeps_the_model_in_use(
    install: Path, two_models: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    good, _ = two_models
    assert main(["model", "use", str(good)]) == 0
    chosen = pointed_at(install / "models")
    assert chosen is not None and chosen.read_bytes() == good.read_bytes()
    for kind, path in broken_models(install / "elsewhere", good).items():
        capsys.readouterr()
        assert main(["model", "use", str(path)]) == 2, kind
        err = capsys.readouterr().err.strip()
        assert str(path) in err and len(err.splitlines()) == 1, (kind, err)
        assert pointed_at(install / "models") == chosen
    assert "another shipped model" in str(pytest.raises(ModelError, read_model, install / "elsewhere" / "other-base.npz").value)


def test_model_list_shows_each_model_and_the_one_in_use(install: Path, two_models: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "list"]) == 0
    assert "in use: the shipped model" in capsys.readouterr().out
    for model in two_models:
        assert main(["model", "use", str(model)]) == 0
    capsys.readouterr()
    assert main(["model", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("  * b.npz: adapter over shipped") and "100 rows" in line for line in lines), lines
    assert any(line.startswith("    a.npz: adapter") and "150 rows" in line for line in lines), lines
    assert main(["model", "use", "a.npz"]) == 0  # rolls back by the name the list shows
    assert pointed_at(install / "models") == install / "models" / "a.npz"
    assert main(["model", "use", "shipped"]) == 0
    assert pointed_at(install / "models") is None
    capsys.readouterr()
    assert main(["model", "list"]) == 0
    assert "in use: the shipped model" in capsys.readouterr().out


def _switch_many(directory: str, model: str, times: int) -> None:
    for _ in range(times):
        use(Path(directory), Path(model))


def test_two_processes_switching_at_once_leave_one_complete_model_in_use(tmp_path: Path, two_models: tuple[Path, Path]) -> None:
    directory = tmp_path / "models"
    names = {use(directory, model).path.name for model in two_models}
    context = multiprocessing.get_context("spawn")
    switching = [context.Process(target=_switch_many, args=(str(directory), str(directory / name), 25)) for name in sorted(names)]
    for process in switching:
        process.start()
    reads = 0
    while any(p.is_alive() for p in switching):
        chosen = pointed_at(directory)  # a reader in the middle of the switching always finds a whole pointer to a whole file
        assert chosen is not None and chosen.name in names, chosen
        reads += 1
        if reads % 500 == 0:
            read_model(chosen)
    for process in switching:
        process.join()
        assert process.exitcode == 0
    final = pointed_at(directory)
    assert final is not None and final.name in names and read_model(final)
    assert not [p for p in directory.iterdir() if p.name.endswith(".tmp")]
    assert (directory / POINTER).read_text().count("\n") == 1


def test_a_running_bot_switches_without_a_restart_keeps_its_model_when_the_new_one_is_broken_and_rolls_back(
    tmp_path: Path, two_models: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "models"
    live = LiveModel(ModelLocations(directory, None), LinearClassifier, check_seconds=0)
    shipped_score = live.current().classify(DECLINED).score
    assert live.path is None

    first = use(directory, two_models[0]).path
    live.refresh(wait=True)
    assert live.path == first.resolve() and live.current().classify(DECLINED).score != shipped_score

    broken = broken_models(tmp_path / "broken", two_models[0])["truncated"]
    (directory / POINTER).write_text(f"../broken/{broken.name}\n")  # by hand: model use would have refused it
    with caplog.at_level(logging.WARNING):
        live.refresh(wait=True)
    assert live.path == first.resolve()
    assert f"{broken.name}: not a complete model file" in caplog.text and "still scoring with" in caplog.text

    second = use(directory, two_models[1]).path
    live.refresh(wait=True)
    assert live.path == second.resolve()
    use(directory, first)  # roll back
    live.refresh(wait=True)
    assert live.path == first.resolve()
    use_shipped(directory)
    live.refresh(wait=True)
    assert live.path is None and live.current().classify(DECLINED).score == shipped_score


def test_a_model_that_does_not_read_stops_the_start_in_one_line(tmp_path: Path, two_models: tuple[Path, Path]) -> None:
    for path in broken_models(tmp_path, two_models[0]).values():
        with pytest.raises(ModelError) as refused:
            LiveModel(ModelLocations(tmp_path / "models", path), LinearClassifier)
        assert str(path) in str(refused.value) and "\n" not in str(refused.value)


def test_export_labels_hints_the_train_add_that_reads_what_it_wrote(install: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    for out, hinted in ((install / "labels" / "train.tsv", install / "labels"), (install / "exports" / "june.tsv", install / "exports" / "june.tsv")):
        capsys.readouterr()
        assert main(["export-labels", "--out", str(out)]) == 0
        assert f"complaint-bot train --add {hinted}\n" in capsys.readouterr().out


def test_eval_behaviour_runs_the_suite_on_the_teams_model(two_models: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in commands.PUBLIC_SETS:
        write_labelled(mentions(TRAIN, 10, seed=5), tmp_path / name / "dev.tsv")
    capsys.readouterr()
    assert main(["eval", "--behaviour", "--data", str(tmp_path), "--model", str(two_models[0])]) == 0
    assert "| test | kind | cases | team (a.npz) fails | VADER fails |" in capsys.readouterr().out
    (tmp_path / "half.npz").write_bytes(two_models[0].read_bytes()[:1000])
    assert main(["eval", "--behaviour", "--data", str(tmp_path), "--model", str(tmp_path / "half.npz")]) == 2
    assert capsys.readouterr().err.strip() == f"complaint-bot eval: {tmp_path / 'half.npz'}: not a complete model file (truncated, or not a model at all)"


def test_check_fails_on_a_team_model_that_does_not_read(install: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = install / "broken.npz"
    broken.write_text("not a model\n", encoding="utf-8")
    config = install / "complaint-bot.toml"
    config.write_text(TEST_CONFIG.replace("[playbook]", f'[classifier]\nmodel = "{broken}"\n\n[playbook]'), encoding="utf-8")
    assert main(["check"]) == 1
    assert f"FAIL detector model: {broken}: not a complete model file (truncated, or not a model at all)" in capsys.readouterr().out.splitlines()


def test_eval_scores_a_file_with_the_teams_model(two_models: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_labelled(mentions(TRAIN, 60, seed=31), tmp_path / "more.tsv")
    capsys.readouterr()
    assert main(["eval", str(tmp_path / "more.tsv"), "--model", str(two_models[0])]) == 0
    assert "| team (a.npz) (score >= 0.5) |" in capsys.readouterr().out
    (tmp_path / "half.npz").write_bytes(two_models[0].read_bytes()[:1000])
    assert main(["eval", str(tmp_path / "more.tsv"), "--model", str(tmp_path / "half.npz")]) == 2
    assert capsys.readouterr().err.strip() == f"complaint-bot eval: {tmp_path / 'half.npz'}: not a complete model file (truncated, or not a model at all)"


def test_a_models_folder_that_is_a_file_is_one_line_at_model_list_model_use_and_start(
    install: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (install / "models").write_text("not a folder\n", encoding="utf-8")
    assert main(["model", "list"]) == 2
    assert main(["model", "use", "shipped"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"complaint-bot: {install / 'models' / POINTER}: cannot read the model pointer (Not a directory)",
        f"complaint-bot model use: {install / 'models'}: cannot write there (File exists)",
    ]
    with pytest.raises(ModelError, match="cannot read the model pointer"):
        LiveModel(ModelLocations(install / "models", None), LinearClassifier)


def test_a_running_bot_whose_model_pointer_stops_reading_keeps_its_model(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    live = LiveModel(ModelLocations(tmp_path / "models", None), LinearClassifier, check_seconds=0)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / POINTER).mkdir()
    with caplog.at_level(logging.WARNING):
        live.current()
    assert live.path is None and "cannot read the model pointer (Is a directory); still scoring with" in caplog.text
