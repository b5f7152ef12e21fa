"""Brand terms, exclusions and keywords match across accents, full-width letters and scripts; keywords per language."""

from __future__ import annotations

import pytest

from bot.classifier import ClassifierConfig
from bot.classifier.triage import assess
from bot.config import parse_config
from bot.domain.matching import fold
from bot.domain.relevance import RelevanceFilter, names_brand
from bot.settings import ConfigError
from tests.conftest import TEST_CONFIG

RLM, LRM, ZWJ = "\u200f", "\u200e", "\u200d"
ACME = RelevanceFilter.build(["Acme", "acme.com"], ["road runner"])


def dropped(text: str, relevance: RelevanceFilter = ACME) -> str | None:
    return relevance.why_dropped(text=text, author="")


@pytest.mark.parametrize(
    "text",
    [
        "Acmé never refunded me",
        "ACMÉ a encore perdu mon colis",
        "Ａｃｍｅ の配達が遅い",  # full-width letters (NFKC)
        "خدمة Acme سيئة جدا",  # Arabic around a Latin name
        "خدمة لAcme سيئة",  # an Arabic clitic written onto it
        f"خدمة {RLM}Acme{LRM} سيئة",  # right-to-left and left-to-right marks around it
        f"Ac{ZWJ}me lost my parcel",  # an invisible character inside it
        "Acme的客服太差了",  # Chinese written against it, without spaces
        "Пишу в Acme уже неделю",
        "«Acme», again",
    ],
)
def test_the_brand_is_found_across_accents_and_scripts(text: str) -> None:
    assert dropped(text) is None
    assert names_brand(text, ("Acme",))


@pytest.mark.parametrize("text", ["Acmecorp is great", "unacme", "Acme2000 router", "Acmé_fan", "acmeé"])
def test_a_brand_term_is_still_a_whole_word(text: str) -> None:
    assert dropped(text) == "no brand term"


def test_a_brand_term_with_an_accent_matches_the_text_without_one() -> None:
    relevance = RelevanceFilter.build(["Café Olé"], [])
    assert dropped("cafe ole burnt my toast", relevance) is None
    assert dropped("CAFÉ OLÉ burnt my toast", relevance) is None
    assert dropped("cafe oles", relevance) == "no brand term"


def test_a_term_in_a_script_written_without_spaces_is_found_wherever_it_occurs() -> None:
    relevance = RelevanceFilter.build(["アクメ", "에이크미"], [])
    assert dropped("アクメの配達が三日も遅れています", relevance) is None
    assert dropped("에이크미가 환불을 안 해줘요", relevance) is None
    refunds = ClassifierConfig(topics={"billing": ["返金"]})
    assert assess("アクメは返金してくれない", score=0.9, reach=None, rating=None, config=refunds).topics == ("billing",)


def test_exclusions_match_the_same_way() -> None:
    assert dropped("Acme and the Road Runner") == "excluded term"
    assert dropped("Acme y el ROAD RUNNÉR") == "excluded term"
    assert dropped("Acme and the ｒｏａｄ ｒｕｎｎｅｒ") == "excluded term"


def test_folding_keeps_what_changes_a_word() -> None:
    assert fold("Straße ÉCOLE Ａｃｍｅ") == "strasse ecole acme"
    assert fold("ﻃﻔﻼً") == "طفلا"  # presentation forms and vowel marks
    assert fold("がっかり") == "がっかり"  # Japanese voicing marks are part of the word
    assert fold("plain ASCII") == "plain ascii"


def test_keywords_match_across_accents_and_report_their_configured_spelling() -> None:
    config = ClassifierConfig(urgent_terms={"critical": ["réclamation officielle"], "high": []}, topics={"billing": ["facturé"]})
    triage = assess("RECLAMATION OFFICIELLE : Acme m'a facture deux fois", score=0.9, reach=None, rating=None, config=config)
    assert triage.severity == "critical" and triage.reasons == ("urgent: réclamation officielle",) and triage.topics == ("billing",)
    arabic = ClassifierConfig(topics={"billing": ["refund"]}, urgent_terms={"critical": ["lawsuit"], "high": []})
    assert assess("أريد refund من Acme", score=0.9, reach=None, rating=None, config=arabic).topics == ("billing",)
    assert assess("no refunds here", score=0.9, reach=None, rating=None, config=arabic).topics == ()


def test_keywords_per_language_join_the_configured_ones_for_that_language_only() -> None:
    config = parse_config(
        TEST_CONFIG + '\n[classifier.languages.es]\ntopics = {billing = ["cobro"]}\nurgent_terms = {critical = ["demanda"]}\n', "test"
    ).classifier
    spanish = assess("Acme: un cobro doble, pondré una DEMANDA", score=0.9, reach=None, rating=None, config=config, language="es")
    assert spanish.severity == "critical" and spanish.topics == ("billing",) and spanish.reasons == ("urgent: demanda",)
    elsewhere = assess("Acme: un cobro doble, pondré una demanda", score=0.6, reach=None, rating=None, config=config, language="pt")
    assert elsewhere.severity == "low" and elsewhere.topics == ()
    # The configured (English) lists still apply to a Spanish mention.
    assert assess("Acme refund ya", score=0.6, reach=None, rating=None, config=config, language="es").topics == ("billing",)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[classifier.languages.xx]\ntopics = {billing = ["x"]}', "classifier.languages: 'xx' is not a language code the bot knows"),
        ('[classifier.languages.es]\ntopics = {facturas = ["x"]}', "languages.es.topics: facturas not in [classifier] topics"),
        ('[classifier.languages.es]\nurgent_terms = {critical = [" "]}', "classifier.languages.es.urgent_terms: critical: terms must not be blank"),
        ('[classifier.languages.es]\nurgent_terms = {urgent = ["x"]}', "classifier.languages.es.urgent_terms.urgent"),
        ('[classifier.languages.es]\nkeywords = ["x"]', "classifier.languages.es.keywords"),
        ('[classifier]\nother_languages = "drop"', "classifier.other_languages: Input should be 'route', 'skip' or 'llm'"),
    ],
)
def test_a_bad_language_table_is_one_line_naming_the_key(table: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(TEST_CONFIG + "\n" + table + "\n", "complaint-bot.toml")
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_shipped_keywords_judge_the_languages_asked_about_most_unless_configured() -> None:
    config = ClassifierConfig()
    spanish = assess("Quiero un REEMBOLSO ya, el pedido no llegó", score=0.9, reach=None, rating=None, config=config, language="es")
    assert spanish.severity == "high" and spanish.topics == ("billing", "delivery")
    french = assess("Je vais porter plainte, colis jamais recu", score=0.9, reach=None, rating=None, config=config, language="fr")
    assert french.severity == "critical" and french.topics == ("delivery",)
    arabic = assess("لم يصل الطلب، سأرفع دعوى", score=0.9, reach=None, rating=None, config=config, language="ar")
    assert arabic.severity == "critical" and arabic.topics == ("delivery",)
    # A language's own table replaces its shipped keywords; topics the config does not have are left out.
    own = ClassifierConfig(languages={"es": {"urgent_terms": {"critical": ["juicio"]}}}, topics={"stores": ["tienda"]})
    assert assess("Quiero un reembolso de la tienda", score=0.6, reach=None, rating=None, config=own, language="es").severity == "low"
    assert assess("Voy a juicio", score=0.6, reach=None, rating=None, config=own, language="es").severity == "critical"
    emptied = ClassifierConfig(languages={"fr": {}})
    assert assess("Je vais porter plainte", score=0.6, reach=None, rating=None, config=emptied, language="fr").severity == "low"
    assert assess("pedido no llegó", score=0.6, reach=None, rating=None, config=ClassifierConfig(topics={"stores": ["tienda"]}), language="es").topics == ()
