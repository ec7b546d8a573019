"""Local sign-up: a username and a password, then straight into the (empty) gallery."""

from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.shortcuts import redirect, render

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signup(request):
    if request.user.is_authenticated:
        return redirect("gallery")
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Named, because other backends (Instagram) may be configured too.
        login(request, form.save(), backend=MODEL_BACKEND)
        return redirect("gallery")
    return render(request, "registration/signup.html", {"form": form})
