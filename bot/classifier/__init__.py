# TEMP stand-in (uncommitted)
from bot.classifier.base import Classification, Classifier
from bot.classifier.config import ClassifierConfig
NEG = {"terrible", "twice", "no", "refund", "ignores", "crashes", "late", "crushed", "awful", "disappointed", "never"}
class _Lex:
    name = "temp"
    def classify(self, text, *, rating=None):
        words = set(text.lower().replace(",", " ").replace(".", " ").split())
        hits = words & NEG
        return Classification(min(1.0, 0.2 * len(hits)), tuple(sorted(hits)))
def load_classifier(config=None):
    return _Lex()
