"""Face models: detect, align, embed. Chosen by name with `load_model`."""

from .base import DetectedFace, FaceModel  # noqa: F401

# The version recorded with every collection and embedding; a model's `name` is its version.
MODEL_VERSIONS = {"arcface": "arcface-w600k_mbf", "dlib": "dlib-resnet-v1"}
_loaded: dict = {}


def model_version(name: str) -> str:
    try:
        return MODEL_VERSIONS[name]
    except KeyError:
        raise ValueError(f"unknown face model {name!r}: use 'arcface' or 'dlib'") from None


def load_model(name: str = "arcface", model_dir: str | None = None, small_faces: bool = True) -> "FaceModel":
    """The model called `name`, loaded once per process (the heavy imports happen here)."""
    key = (name, model_dir, small_faces)
    if key not in _loaded:
        if name == "arcface":
            from .arcface import ArcFaceModel

            _loaded[key] = ArcFaceModel(model_dir=model_dir, small_faces=small_faces)
        elif name == "dlib":
            from .dlib_resnet import DlibModel

            _loaded[key] = DlibModel()
        else:
            raise ValueError(f"unknown face model {name!r}: use 'arcface' or 'dlib'")
    return _loaded[key]
