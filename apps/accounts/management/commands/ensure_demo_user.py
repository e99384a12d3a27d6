from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from apps.accounts.services import user_ensure_demo


class Command(BaseCommand):
    help = "Create (or reset) the demo login and print it."

    def handle(self, *args: Any, **options: Any) -> None:
        username = os.environ.get("DEMO_USERNAME", "demo")
        password = os.environ.get("DEMO_PASSWORD", "handywriterz-demo")
        _, created = user_ensure_demo(
            username=username, password=password, email=f"{username}@example.com"
        )
        verb = "Created" if created else "Reset"
        self.stdout.write(self.style.SUCCESS(f"{verb} demo login: {username} / {password}"))
