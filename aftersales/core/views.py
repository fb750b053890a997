"""Views shared by every app: permission-checked file downloads, a health check."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from aftersales.core.models import Attachment


def visible_attachment(user: object, key: object) -> Attachment:
    """The attachment ``key`` if ``user`` may see the object it belongs to, else 404.

    Another company's attachment answers 404 like a missing one, so that its existence
    is not given away.
    """
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), key=key)
    model = apps.get_model(attachment.content_type.app_label, attachment.content_type.model)
    opts = model._meta
    if not getattr(user, "has_perm", lambda _p: False)(f"{opts.app_label}.view_{opts.model_name}"):
        raise Http404
    manager = model._default_manager
    if not hasattr(manager, "visible_to"):
        raise Http404
    if not manager.visible_to(user).filter(pk=attachment.object_id).exists():
        raise Http404
    return attachment


@login_required
@require_GET
def attachment_download(request: HttpRequest, key: str) -> FileResponse:
    """Serve an attachment to a user who may see its object."""
    attachment = visible_attachment(request.user, key)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=request.GET.get("inline") != "1",
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database reachability for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
