from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import selectors, services
from apps.accounts.forms import ApiTokenForm, SignUpForm
from apps.accounts.http import AuthedRequest


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("conversations:list")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("conversations:list")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        issued = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        new_secret = issued.secret
        form = ApiTokenForm()
    context = {
        "form": form,
        "tokens": selectors.api_tokens_for(user=request.user),
        "new_secret": new_secret,
    }
    return render(request, "accounts/settings.html", context)


@login_required
@require_POST
def api_token_revoke(request: AuthedRequest, token_id: str) -> HttpResponse:
    token = get_object_or_404(selectors.api_tokens_for(user=request.user), pk=token_id)
    services.api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:settings")
