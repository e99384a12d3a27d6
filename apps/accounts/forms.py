from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

from apps.accounts.models import User


class SignUpForm(UserCreationForm[User]):
    email = forms.EmailField(required=False)

    class Meta:
        model = User
        fields = ("username", "email")


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. “my script”.")
