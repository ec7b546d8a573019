import os

# One BLAS thread per process: the app scales out with processes (Celery's prefork pool, gunicorn's
# workers), and a BLAS thread pool per process would only make them fight over the same cores. Set
# before anything imports numpy; an operator's own value wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from .celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
