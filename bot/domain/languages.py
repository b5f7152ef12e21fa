"""Languages by code (ISO 639-1 where there is one, else ISO 639-3) and their English names. Pure data.

The codes are those the language identifier can answer (bot/classifier/language.py).
"""

from __future__ import annotations

ENGLISH = "en"

LANGUAGE_NAMES = {
    "af": "Afrikaans", "am": "Amharic", "an": "Aragonese", "ar": "Arabic", "as": "Assamese", "az": "Azerbaijani",
    "ba": "Bashkir", "be": "Belarusian", "bg": "Bulgarian", "bn": "Bengali", "br": "Breton", "bs": "Bosnian",
    "ca": "Catalan", "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "dz": "Dzongkha", "el": "Greek",
    "en": "English", "eo": "Esperanto", "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian",
    "fi": "Finnish", "fo": "Faroese", "fr": "French", "fy": "Frisian", "ga": "Irish", "gd": "Scottish Gaelic",
    "gl": "Galician", "gu": "Gujarati", "ha": "Hausa", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "ht": "Haitian Creole", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian", "ig": "Igbo", "is": "Icelandic",
    "it": "Italian", "ja": "Japanese", "jv": "Javanese", "ka": "Georgian", "kk": "Kazakh", "km": "Khmer",
    "kn": "Kannada", "ko": "Korean", "ku": "Kurdish", "ky": "Kyrgyz", "la": "Latin", "lb": "Luxembourgish",
    "lg": "Ganda", "ln": "Lingala", "lo": "Lao", "lt": "Lithuanian", "lv": "Latvian", "mg": "Malagasy",
    "mk": "Macedonian", "ml": "Malayalam", "mn": "Mongolian", "mr": "Marathi", "ms": "Malay", "mt": "Maltese",
    "my": "Burmese", "ne": "Nepali", "nl": "Dutch", "nn": "Norwegian Nynorsk", "no": "Norwegian", "oc": "Occitan",
    "om": "Oromo", "or": "Odia", "pa": "Punjabi", "pl": "Polish", "ps": "Pashto", "pt": "Portuguese",
    "qu": "Quechua", "ro": "Romanian", "ru": "Russian", "rw": "Kinyarwanda", "sa": "Sanskrit", "se": "Northern Sami",
    "si": "Sinhala", "sk": "Slovak", "sl": "Slovenian", "sn": "Shona", "so": "Somali", "sq": "Albanian",
    "sr": "Serbian", "st": "Sotho", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "tg": "Tajik",
    "th": "Thai", "tk": "Turkmen", "tl": "Tagalog", "tr": "Turkish", "tt": "Tatar", "ug": "Uyghur",
    "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "vo": "Volapük", "wa": "Walloon",
    "xh": "Xhosa", "yo": "Yoruba", "zh": "Chinese", "zu": "Zulu",
    # No two-letter code: ISO 639-3.
    "ace": "Acehnese", "ary": "Moroccan Arabic", "bcl": "Central Bikol", "crh": "Crimean Tatar", "ext": "Extremaduran",
    "fuv": "Nigerian Fulfulde", "gcf": "Guadeloupean Creole", "gcr": "Guianese Creole", "gom": "Konkani",
    "grc": "Ancient Greek", "gug": "Paraguayan Guaraní", "guw": "Gun", "hbo": "Ancient Hebrew", "kab": "Kabyle",
    "kik": "Kikuyu", "lij": "Ligurian", "ltg": "Latgalian", "nso": "Northern Sotho", "pcm": "Nigerian Pidgin",
    "sdh": "Southern Kurdish", "vec": "Venetian", "wuu": "Wu Chinese", "yue": "Cantonese",
}


def language_name(code: str | None) -> str:
    """The English name of a language code; the code itself when it is not one we know; "" for none."""
    if not code:
        return ""
    return LANGUAGE_NAMES.get(code, code)


def foreign_language(code: str | None) -> str:
    """The English name of a language that is known and not English; "" otherwise (nothing to point out)."""
    return language_name(code) if code and code != ENGLISH else ""
