"""The face engine: plain Python, no Django.

The contract (`base.FaceEngine`) is Rekognition's collection API with Python names and
Rekognition-shaped dict answers, so the boto3 engine is a thin adapter and the local engine
can be served on Rekognition's wire protocol.
"""

from .base import FaceEngine  # noqa: F401
from .errors import EngineError  # noqa: F401
