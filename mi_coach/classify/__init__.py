"""The classifier: YAML rules → spaCy matchers → one code per sentence → codes for the turn."""

from mi_coach.classify.engine import Classifier, get_classifier

__all__ = ["Classifier", "get_classifier"]
