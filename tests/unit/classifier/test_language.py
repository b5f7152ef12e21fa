"""Which language a mention is in: every defined case of bot/classifier/language.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
from py3langid.modelio import load_model

from bot.classifier.language import Language, _Identifier, identify, identify_all, readable
from bot.classifier.tsv import read_labelled

PUBLIC = Path(__file__).resolve().parents[4] / "shared" / "data"


@pytest.mark.parametrize(
    ("text", "code", "name"),
    [
        ("El pedido llegó roto y nadie de atención al cliente me responde", "es", "Spanish"),
        ("Le colis est arrivé cassé et le service client ne répond jamais", "fr", "French"),
        ("Das Paket kam kaputt an und der Kundendienst antwortet einfach nicht", "de", "German"),
        ("O pedido chegou quebrado e o atendimento ao cliente não responde", "pt", "Portuguese"),
        ("Il pacco è arrivato rotto e il servizio clienti non risponde mai", "it", "Italian"),
        ("وصل الطلب مكسورا وخدمة العملاء لا ترد على الإطلاق", "ar", "Arabic"),
        ("The parcel arrived broken and customer service never answers", "en", "English"),
        ("Acme सेवा बहुत खराब है, कोई जवाब नहीं देता", "hi", "Hindi"),
    ],
)
def test_the_languages_it_is_asked_about_most(text: str, code: str, name: str) -> None:
    assert identify(text, ["Acme"]) == Language(code, name, True)


def test_romanised_hindi_is_hindi_by_its_everyday_words() -> None:
    assert identify("yaar ye Acme wala phone bahut bekaar hai, service bhi nahi milti", ["Acme"]) == Language("hi", "Hindi", True)
    # One such word in an English text is not enough ("ki" in a name, "hai" as a greeting), nor a few in a long one.
    assert identify("Hai guys, Acme app down again, great", ["Acme"]).code == "en"
    assert identify("Called Acme support, spoke to Ki and then to Yeh in billing, still no refund after two weeks", ["Acme"]).code == "en"


def test_a_script_only_one_language_writes_is_told_however_short() -> None:
    assert identify("最悪です") == Language("ja", "Japanese", True)
    assert identify("최악이에요") == Language("ko", "Korean", True)
    assert identify("ＡＣＭＥ の サポート は 最悪", ["Acme"]).code == "ja"


@pytest.mark.parametrize("text", ["ok!!", "meh", "Acme sucks!", "lol no", "#fail"])
def test_a_text_too_short_to_tell_is_undetermined_and_not_confident(text: str) -> None:
    assert identify(text, ["Acme"]) == Language("und", "too short to tell", False)


@pytest.mark.parametrize("text", ["😡😡😡", "👍 10/10 !!", "🤬 https://t.co/abc123 @acme", "…"])
def test_a_text_without_letters_is_undetermined_and_not_confident(text: str) -> None:
    assert identify(text, ["Acme"]) == Language("und", "no words", False)
    assert identify(text, ["Acme"]).known is None


def test_a_mixed_text_gets_the_language_that_dominates_it_or_none() -> None:
    mostly_spanish = identify("My Acme order never arrived, el servicio al cliente es horrible y nadie contesta nunca", ["Acme"])
    assert mostly_spanish == Language("es", "Spanish", True)
    even = identify("Mi pedido de Acme never arrived and customer service no contesta", ["Acme"])
    assert not even.confident and even.known is None


def test_links_handles_and_hashtag_signs_are_left_out() -> None:
    text = "@AcmeSupportTeam @customerservicehelp https://www.acme.com/customer-support/help-center pedido perdido otra vez"
    assert identify(text) == Language("es", "Spanish", True)


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("pedido perdido https://t.co/x otra vez www.acme.com #fail RT &amp; ya", "pedido perdido   otra vez    fail     ya"),
        ("écrivez à sav@acme.fr ou @AcmeFR, merci &amp; #bof", "écrivez à   ou  , merci    bof"),
    ],
)
def test_what_the_identifier_reads_with_and_without_an_at_sign(text: str, left: str) -> None:
    assert readable(text) == left


@pytest.mark.parametrize(
    ("text", "brand"),
    [
        ("Casa de Sabores Mexicanos overcharged me again, twice", "Casa de Sabores Mexicanos"),
        ("Das Gute Brot Bäckerei was closed all week", "Das Gute Brot Bäckerei"),
    ],
)
def test_the_brands_own_name_does_not_sway_it(text: str, brand: str) -> None:
    assert identify(text, [brand]) == Language("en", "English", True)


def test_english_tweets_it_would_call_nigerian_pidgin_are_never_set_aside() -> None:
    assert not identify("Helping Melania work on her next Michelle Obama speech. #KeepsTrumpUpAtNight").confident


def test_english_function_words_call_a_text_english_but_a_stray_english_phrase_does_not() -> None:
    assert identify("Why is my Acme order still not here? It has been two weeks", ["Acme"]) == Language("en", "English", True)
    spanish = "El servicio de Acme es the worst, nadie contesta nunca y el pedido no llegó"
    assert identify(spanish, ["Acme"]) == Language("es", "Spanish", True)


def test_a_batch_gets_each_texts_own_language_in_order() -> None:
    texts = [
        "El pedido llegó roto y nadie de atención al cliente me responde",
        "😡😡😡",
        "The parcel arrived broken and customer service never answers",
        "Le colis est arrivé cassé et le service client ne répond jamais",
        "最悪です",
        "ok!!",
        "yaar ye Acme wala phone bahut bekaar hai, service bhi nahi milti",
        "Das Paket kam kaputt an und der Kundendienst antwortet einfach nicht",
    ]
    assert identify_all(texts, ["Acme"]) == [identify(text, ["Acme"]) for text in texts]
    assert [language.code for language in identify_all(texts, ["Acme"])] == ["es", "und", "en", "fr", "ja", "und", "hi", "de"]
    assert identify_all([]) == []


@pytest.mark.skipif(not PUBLIC.is_dir(), reason="the public sets (../shared/data) are not beside this checkout")
def test_weighing_a_batch_together_decides_as_py3langid_does_one_text_at_a_time() -> None:
    ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
    reference = LanguageIdentifier(np.asarray(ptc, dtype=np.float32), np.asarray(pc), classes, nextmove, output, norm_probs=True, tk_row=row)
    texts = [text for name in ("xlmt-spanish", "xlmt-arabic", "xlmt-hindi", "tweeteval") for text in read_labelled(PUBLIC / name / "dev.tsv")[0]]
    # Long and short, upper case, serbian in two scripts (one language, two columns), without any of the model's
    # byte sequences, and more than one chunk's worth.
    texts += [texts[0] * 20, "ACME HAS LOST MY PARCEL AGAIN", "Пакет је стигао поломљен и нико не одговара", "", "\u2063", "x"]
    readables = [readable(text) for text in texts]
    ours = _Identifier.get().classify_all(readables)
    theirs = [reference.classify(text) for text in readables]
    assert len(texts) > 3 * _Identifier.CHUNK
    assert [code for code, _ in ours] == [code for code, _ in theirs]
    assert max(abs(ours_p - theirs_p) for (_, ours_p), (_, theirs_p) in zip(ours, theirs)) < 1e-4
