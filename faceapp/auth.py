"""Login throttling: django-axes' backend, first in AUTHENTICATION_BACKENDS."""

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses every login attempt for a locked-out username and address (see AXES_* settings).

    Logins without an HTTP request (the shell, the test client's login()) have no address to
    throttle: they go straight on to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
