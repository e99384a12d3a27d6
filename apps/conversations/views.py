from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, push_url, reswap, retarget

from apps.accounts.http import AuthedRequest
from apps.accounts.models import User
from apps.conversations import budget, selectors
from apps.conversations.forms import WritingRequestForm, initial_from_run
from apps.conversations.models import Conversation
from apps.conversations.services import lifecycle, managing, sources, starting
from apps.core.ratelimit import form_within_rate
from apps.files.services.uploads import with_uploads

INVALID = 422  # htmx is configured to swap 422 responses: they carry the form with its errors


def _conversation_context(
    conversation: Conversation, form: WritingRequestForm | None = None
) -> dict[str, object]:
    latest = selectors.latest_run(conversation=conversation)
    if form is None:
        form = WritingRequestForm(
            initial=initial_from_run(latest) if latest else None, user=conversation.user
        )
    return {
        "conversation": conversation,
        "cards": selectors.run_cards(conversation=conversation),
        "form": form,
        "busy": selectors.active_run(conversation=conversation) is not None,
    }


def _new_piece_form(user: User) -> WritingRequestForm:
    """The composer of a new piece starts from the options of the writer's last run."""
    latest = selectors.latest_run_of(user=user)
    return WritingRequestForm(initial=initial_from_run(latest) if latest else None, user=user)


@login_required
@require_GET
def conversation_list(request: AuthedRequest) -> HttpResponse:
    """The workspace with nothing open: the composer of a new piece (the history is in the
    sidebar on every page)."""
    return render(request, "conversations/list.html", {"form": _new_piece_form(request.user)})


@login_required
@require_GET
def conversation_history(request: AuthedRequest) -> HttpResponse:
    """The sidebar's list, filtered by `q` as the writer types (htmx); without script the
    search form loads the workspace with the same filter."""
    if not request.htmx:
        query = request.GET.get("q", "")
        return redirect(reverse("conversations:list") + (f"?q={query}" if query else ""))
    return render(request, "conversations/_history.html", {"request": request})


@login_required
@require_POST
def conversation_create(request: AuthedRequest) -> HttpResponse:
    form = WritingRequestForm(request.POST, request.FILES, user=request.user)
    if form.is_valid() and form_within_rate(request, form):
        try:
            writing = with_uploads(user=request.user, request=form.to_request(), form=form)
            run = starting.run_submit(user=request.user, request=writing, conversation=None)
        except starting.BudgetExceeded as refused:
            form.add_error(None, refused.message)
    if form.errors:
        response = render(
            request, "conversations/list.html#compose", {"form": form}, status=INVALID
        )
        return reswap(retarget(response, "#compose"), "outerHTML") if request.htmx else response
    url = reverse("conversations:detail", args=[run.conversation_id])
    if not request.htmx:
        return redirect(url)
    # The sidebar gains the new conversation in the same response.
    context = {**_conversation_context(run.conversation), "history_oob": True}
    return push_url(render(request, "conversations/conversation.html#body", context), url)


@login_required
@require_GET
def conversation_detail(request: AuthedRequest, conversation_id: str) -> HttpResponse:
    conversation = get_object_or_404(
        selectors.conversations_for(user=request.user), pk=conversation_id
    )
    return render(request, "conversations/conversation.html", _conversation_context(conversation))


@login_required
@require_POST
def conversation_follow_up(request: AuthedRequest, conversation_id: str) -> HttpResponse:
    conversation = get_object_or_404(
        selectors.conversations_for(user=request.user), pk=conversation_id
    )
    form = WritingRequestForm(request.POST, request.FILES, user=request.user)
    if form.is_valid() and form_within_rate(request, form):
        try:
            writing = with_uploads(user=request.user, request=form.to_request(), form=form)
            run = starting.run_submit(user=request.user, request=writing, conversation=conversation)
        except starting.RunInProgress:
            form.add_error(None, "A run is still in progress: wait for it to finish first.")
        except starting.BudgetExceeded as refused:
            form.add_error(None, refused.message)
    if form.errors:
        template = (
            "conversations/conversation.html#follow-up"
            if request.htmx
            else "conversations/conversation.html"
        )
        response = render(
            request, template, _conversation_context(conversation, form), status=INVALID
        )
        return reswap(retarget(response, "#follow-up"), "outerHTML") if request.htmx else response
    if not request.htmx:
        return redirect("conversations:detail", conversation_id=conversation.id)
    context = {
        **_conversation_context(conversation),
        "card": selectors.run_card(run=run),
        "oob": True,
    }
    return render(request, "conversations/conversation.html#new-turn", context)


@login_required
@require_POST
def run_cancel(request: AuthedRequest, run_id: str) -> HttpResponse:
    """The run card's stop button. Stopping a run that has just ended is not an error: the
    page simply shows how it ended."""
    run = get_object_or_404(selectors.runs_for(user=request.user), pk=run_id)
    with contextlib.suppress(lifecycle.RunNotActive):
        lifecycle.run_cancel(run=run)
    if not request.htmx:
        return redirect("conversations:detail", conversation_id=run.conversation_id)
    # The run's stream delivers the final card; until then the button says it is stopping.
    return render(request, "conversations/conversation.html#stopping", {"run": run})


def _back(request: AuthedRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_POST
def conversation_rename(request: AuthedRequest, conversation_id: str) -> HttpResponse:
    conversation = get_object_or_404(
        selectors.conversations_for(user=request.user), pk=conversation_id
    )
    try:
        managing.conversation_rename(conversation=conversation, title=request.POST.get("title", ""))
    except managing.InvalidTitle as problem:
        messages.error(request, str(problem))
    detail = reverse("conversations:detail", args=[conversation.id])
    return redirect(_back(request, detail))


@login_required
@require_POST
def conversation_delete(request: AuthedRequest, conversation_id: str) -> HttpResponse:
    conversation = get_object_or_404(
        selectors.conversations_for(user=request.user), pk=conversation_id
    )
    title = conversation.title
    try:
        managing.conversation_delete(conversation=conversation)
    except managing.ConversationBusy:
        messages.error(request, "A run is still writing in this conversation: stop it first.")
        return redirect("conversations:detail", conversation_id=conversation.id)
    messages.success(request, f"Deleted “{title}”.")
    return redirect("conversations:list")


@login_required
@require_POST
def run_regenerate(request: AuthedRequest, run_id: str) -> HttpResponse:
    """A finished version's Regenerate: the same request as a new version."""
    run = get_object_or_404(selectors.runs_for(user=request.user), pk=run_id)
    conversation = run.conversation
    try:
        new_run = starting.run_regenerate(run=run)
    except (starting.RunInProgress, starting.BudgetExceeded) as refused:
        problem = (
            refused.message
            if isinstance(refused, starting.BudgetExceeded)
            else "A run is still in progress: wait for it to finish first."
        )
        if request.htmx:  # said at the end of the thread, where the new version would be
            return render(request, "conversations/conversation.html#refused", {"problem": problem})
        messages.error(request, problem)
        return redirect("conversations:detail", conversation_id=conversation.id)
    if not request.htmx:
        return redirect("conversations:detail", conversation_id=conversation.id)
    context = {
        **_conversation_context(conversation),
        "card": selectors.run_card(run=new_run),
        "oob": True,
    }
    return render(request, "conversations/conversation.html#new-turn", context)


@login_required
@require_GET
def usage(request: AuthedRequest) -> HttpResponse:
    """What the writer has spent this month against their budget, run by run."""
    since = budget.month_start()
    status = budget.budget_status(user=request.user)
    runs = selectors.runs_this_month(user=request.user, since=since)
    return render(
        request, "conversations/usage.html", {"status": status, "since": since, "runs": runs}
    )


@login_required
@require_POST
def source_exclude(request: AuthedRequest, run_id: str) -> HttpResponse:
    """ "Exclude and regenerate": the same request again, without the source named by `key`."""
    run = get_object_or_404(selectors.runs_for(user=request.user), pk=run_id)
    url = reverse("conversations:detail", args=[run.conversation_id])
    try:
        sources.source_exclude(run=run, key=request.POST.get("key", ""))
    except sources.UnknownSource:
        raise Http404("No such source in this run.") from None
    except starting.RunInProgress:
        messages.error(request, "A run is still in progress: wait for it to finish first.")
    except starting.BudgetExceeded as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Excluded. A new version is being written without it.")
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@require_POST
def source_save(request: AuthedRequest, run_id: str) -> HttpResponse:
    """Keep a record that search found in the writer's library."""
    run = get_object_or_404(selectors.runs_for(user=request.user), pk=run_id)
    try:
        file = sources.source_save(run=run, key=request.POST.get("key", ""))
    except sources.UnknownSource:
        raise Http404("No such source in this run.") from None
    messages.success(request, f"Saved to your library: {file.original_name}.")
    url = reverse("conversations:detail", args=[run.conversation_id])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
