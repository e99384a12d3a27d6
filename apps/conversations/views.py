from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, push_url, reswap, retarget

from apps.accounts.http import AuthedRequest
from apps.conversations import selectors
from apps.conversations.forms import WritingRequestForm, initial_from_run
from apps.conversations.models import Conversation
from apps.conversations.services import lifecycle, sources, starting
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


@login_required
@require_GET
def conversation_list(request: AuthedRequest) -> HttpResponse:
    conversations = selectors.conversations_for(user=request.user)
    return render(
        request,
        "conversations/list.html",
        {"conversations": conversations, "form": WritingRequestForm(user=request.user)},
    )


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
    context = _conversation_context(run.conversation)
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
