"""Changes to the portal (issue 16, docs/portal.md), its only writers: the library's documents,
the calendar's gatherings, the flash news. Each checks the acting user's role and that what it
writes belongs to an organisation in their scope, whatever path calls it; checks what is
given, files by their content; writes, keeps the search index in step, audits and appends its
events, all in one transaction: nothing is written unless all is right."""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualis.core.audit import (
    Snapshot,
    audit_created,
    audit_record,
    audit_updated,
    snapshot,
)
from mutualis.core.client_address import ip_or_none
from mutualis.core.events import append
from mutualis.core.models import AuditEntry
from mutualis.federation.iso import is_country_code
from mutualis.federation.models import Organisation, User
from mutualis.federation.services import require_in_scope, require_in_scope_as
from mutualis.portal import events, notifications, queries, search
from mutualis.portal.choices import ApplicationState, DocumentStatus, Language
from mutualis.portal.files import Checked, Upload, check
from mutualis.portal.models import Application, Document, DocumentFile, Gathering, NewsItem
from mutualis.portal.rules import (
    APPLICATION_LIMITS,
    EDITORS,
    REFUSAL_REASON_MAX,
    application_errors,
    document_errors,
    gathering_errors,
    joined,
    news_errors,
    signup_refusal,
)


@dataclass(frozen=True)
class DocumentDetails:
    """What describes a document; `themes` are theme codes (choices.Theme)."""

    kind: str
    title: str
    language: str
    authors: str = ""
    year: int | None = None
    country: str = ""
    themes: tuple[str, ...] = ()
    summary: str = ""
    link: str = ""


@dataclass(frozen=True)
class GatheringDetails:
    kind: str
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    description: str = ""
    place: str = ""
    country: str = ""
    organiser: str = ""
    languages: tuple[str, ...] = ()
    registration: str = ""


@dataclass(frozen=True)
class NewsDetails:
    title: str
    body: str
    language: str
    link: str = ""


@dataclass
class Errors:
    """The errors of a change, gathered by field before anything is written."""

    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, found: dict[str, list[str]]) -> None:
        for name, messages in found.items():
            self.by_field.setdefault(name, []).extend(messages)

    def model(self, row: models.Model, exclude: tuple[str, ...] = ()) -> None:
        """The model's own limits: lengths, URLs, control characters (core.bounds)."""
        try:
            # the database checks its own constraints; the rules above said why in words
            row.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            self.add(error.message_dict)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def file_name(name: str) -> str:
    """The name to offer the file under: its last part, without control characters."""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in last if c.isprintable())[-200:] or "document"


def checked_upload(upload: Upload | None, errors: Errors) -> Checked | None:
    if upload is None:
        return None
    result = check(upload)
    if isinstance(result, str):
        errors.add({"file": [result]})
        return None
    return result


def apply_details(row: Document, details: DocumentDetails) -> None:
    row.kind = details.kind
    row.title = details.title.strip()
    row.authors = details.authors.strip()
    row.year = details.year
    row.language = details.language
    row.country = details.country
    row.themes = joined(details.themes)
    row.summary = details.summary.strip()
    row.link = details.link.strip()


def document_checked(
    row: Document, details: DocumentDetails, upload: Upload | None, has_file: bool
) -> Checked | None:
    errors = Errors()
    checked = checked_upload(upload, errors)
    errors.add(
        document_errors(
            title=details.title,
            year=details.year,
            language=details.language,
            country=details.country,
            themes=details.themes,
            has_file=has_file,
            link=details.link.strip(),
            today=timezone.localdate(),
        )
    )
    apply_details(row, details)
    errors.model(row, exclude=("owner", "proposed_by"))
    errors.raise_any()
    return checked


def file_write(
    by: User | None, document: Document, upload: Upload, checked: Checked
) -> DocumentFile:
    DocumentFile.objects.filter(document=document).delete()
    row = DocumentFile(
        document=document,
        file_name=file_name(upload.name),
        content_type=checked.content_type,
        size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
        content=upload.content,
        text=checked.text,
    )
    row.full_clean(exclude=["document"])
    row.save()
    # the file's description, not its bytes nor its text: those are kept in the row itself
    audit_record(
        actor=by,
        action=AuditEntry.Action.CREATE,
        obj=row,
        changes={
            name: [None, getattr(row, name)]
            for name in ("file_name", "content_type", "size", "sha256")
        },
    )
    return row


def new_document(
    by: User | None,
    owner: Organisation,
    details: DocumentDetails,
    upload: Upload | None,
    status: DocumentStatus,
) -> Document:
    row = Document(owner=owner, status=status, proposed_by=by)
    checked = document_checked(row, details, upload, upload is not None)
    if status == DocumentStatus.PUBLISHED:
        row.published_at = timezone.now()
    row.save()
    audit_created(actor=by, obj=row)
    text = ""
    if upload is not None and checked is not None:
        stored = file_write(by, row, upload, checked)
        text = stored.text
    search.index(row, text)
    kind = (
        events.DOCUMENT_PUBLISHED
        if status == DocumentStatus.PUBLISHED
        else events.DOCUMENT_PROPOSED
    )
    append(owner.pk, events.document(kind, row), by)
    return row


@transaction.atomic
def document_propose(
    *, by: User | None, owner: Organisation, details: DocumentDetails, upload: Upload | None
) -> Document:
    """A signed-in user proposes a document for the library, in the name of their
    organisation: it waits, unseen by the public, until an editor publishes it."""
    require_in_scope(by, owner, "organisation")
    return new_document(by, owner, details, upload, DocumentStatus.PROPOSED)


@transaction.atomic
def document_publish(
    *, by: User | None, owner: Organisation, details: DocumentDetails, upload: Upload | None
) -> Document:
    """A portal editor adds a document to the library, published at once."""
    require_in_scope_as(by, EDITORS, owner, "organisation")
    return new_document(by, owner, details, upload, DocumentStatus.PUBLISHED)


def locked(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


@transaction.atomic
def document_update(
    *,
    by: User | None,
    document: Document,
    details: DocumentDetails,
    upload: Upload | None = None,
) -> Document:
    """An editor corrects a document; a new file replaces the old one."""
    require_in_scope_as(by, EDITORS, document.owner, "document")
    row = locked(document)
    stored = DocumentFile.objects.filter(document=row).first()
    before = snapshot(row)
    checked = document_checked(row, details, upload, upload is not None or stored is not None)
    row.save()
    audit_updated(actor=by, obj=row, before=before)
    if upload is not None and checked is not None:
        stored = file_write(by, row, upload, checked)
    search.index(row, stored.text if stored is not None else "")
    append(row.owner_id, events.document(events.DOCUMENT_CHANGED, row), by)
    return row


def proposal(by: User | None, document: Document) -> Document:
    require_in_scope_as(by, EDITORS, document.owner, "document")
    row = locked(document)
    if row.status != DocumentStatus.PROPOSED:
        raise ValidationError({"document": [_("This document is not a proposal waiting.")]})
    return row


@transaction.atomic
def document_approve(*, by: User | None, document: Document) -> Document:
    """An editor publishes a proposal as it is (after correcting it with document_update)."""
    row = proposal(by, document)
    before = snapshot(row)
    row.status = DocumentStatus.PUBLISHED
    row.published_at = timezone.now()
    row.save(update_fields=["status", "published_at"])
    audit_updated(actor=by, obj=row, before=before)
    append(row.owner_id, events.document(events.DOCUMENT_PUBLISHED, row), by)
    return row


def set_aside(
    by: User | None, row: Document, reason: str, status: DocumentStatus, kind: str
) -> Document:
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why: the reason is kept with the document.")]})
    before = snapshot(row)
    row.status = status
    row.rejection = reason.strip()
    errors = Errors()
    errors.model(row)
    errors.raise_any()
    row.save(update_fields=["status", "rejection"])
    audit_updated(actor=by, obj=row, before=before)
    append(row.owner_id, events.document_set_aside(kind, row), by)
    return row


@transaction.atomic
def document_reject(*, by: User | None, document: Document, reason: str) -> Document:
    """An editor turns a proposal down, saying why; it stays, unpublished, for the record."""
    row = proposal(by, document)
    return set_aside(by, row, reason, DocumentStatus.REJECTED, events.DOCUMENT_REJECTED)


@transaction.atomic
def document_withdraw(*, by: User | None, document: Document, reason: str) -> Document:
    """An editor takes a published document out of the library (a wrong file, a right
    holder's request), saying why: it is kept, unseen by the public, never deleted."""
    require_in_scope_as(by, EDITORS, document.owner, "document")
    row = locked(document)
    if row.status != DocumentStatus.PUBLISHED:
        raise ValidationError({"document": [_("Only a published document is withdrawn.")]})
    return set_aside(by, row, reason, DocumentStatus.WITHDRAWN, events.DOCUMENT_WITHDRAWN)


def gathering_apply(row: Gathering, details: GatheringDetails) -> None:
    errors = Errors()
    errors.add(
        gathering_errors(
            title=details.title,
            starts_on=details.starts_on,
            ends_on=details.ends_on,
            country=details.country,
            languages=details.languages,
        )
    )
    row.kind = details.kind
    row.title = details.title.strip()
    row.description = details.description.strip()
    row.starts_on = details.starts_on
    row.ends_on = details.ends_on
    row.place = details.place.strip()
    row.country = details.country
    row.organiser = details.organiser.strip()
    row.languages = joined(details.languages)
    row.registration = details.registration.strip()
    errors.model(row, exclude=("owner",))
    errors.raise_any()


@transaction.atomic
def gathering_create(
    *, by: User | None, owner: Organisation, details: GatheringDetails
) -> Gathering:
    """An editor announces a workshop, training, forum or meeting in the calendar."""
    require_in_scope_as(by, EDITORS, owner, "organisation")
    row = Gathering(owner=owner)
    gathering_apply(row, details)
    row.save()
    audit_created(actor=by, obj=row)
    append(owner.pk, events.gathering(events.GATHERING_ANNOUNCED, row), by)
    return row


@transaction.atomic
def gathering_update(
    *, by: User | None, gathering: Gathering, details: GatheringDetails
) -> Gathering:
    """An editor changes a gathering; its feed entry's SEQUENCE goes up, so that calendars
    that copied it take the change."""
    require_in_scope_as(by, EDITORS, gathering.owner, "gathering")
    row = Gathering.objects.select_for_update().get(pk=gathering.pk)
    before = snapshot(row)
    gathering_apply(row, details)
    row.sequence += 1
    row.save()
    audit_updated(actor=by, obj=row, before=before)
    append(row.owner_id, events.gathering(events.GATHERING_CHANGED, row), by)
    return row


def news_apply(row: NewsItem, details: NewsDetails) -> None:
    errors = Errors()
    errors.add(news_errors(title=details.title, body=details.body))
    row.title = details.title.strip()
    row.body = details.body.strip()
    row.language = details.language
    row.link = details.link.strip()
    errors.model(row, exclude=("owner", "author"))
    errors.raise_any()


@transaction.atomic
def news_create(*, by: User | None, owner: Organisation, details: NewsDetails) -> NewsItem:
    """An editor publishes a flash news item."""
    require_in_scope_as(by, EDITORS, owner, "organisation")
    row = NewsItem(owner=owner, author=by, published_at=timezone.now())
    news_apply(row, details)
    row.save()
    audit_created(actor=by, obj=row)
    append(owner.pk, events.news(events.NEWS_PUBLISHED, row), by)
    return row


@transaction.atomic
def news_update(*, by: User | None, news: NewsItem, details: NewsDetails) -> NewsItem:
    """An editor corrects a flash news item (the feed shows it as updated)."""
    require_in_scope_as(by, EDITORS, news.owner, "news")
    row = NewsItem.objects.select_for_update().get(pk=news.pk)
    before = snapshot(row)
    news_apply(row, details)
    row.save()
    audit_updated(actor=by, obj=row, before=before)
    append(row.owner_id, events.news(events.NEWS_CHANGED, row), by)
    return row


# --- joining the network (docs/public-site.md) ------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """What a visitor who asks to join the network says of themselves."""

    first_name: str
    last_name: str
    email: str
    organisation_name: str
    country: str
    function: str
    motivation: str
    consent: bool
    language: str = "fr"


def applicant_errors(applicant: Applicant) -> dict[str, list[str]]:
    values = {name: getattr(applicant, name) for name in APPLICATION_LIMITS}
    values["country"] = applicant.country
    names = {
        field.name: str(field.verbose_name).capitalize()
        for field in Application._meta.get_fields()
        if hasattr(field, "verbose_name")
    }
    try:
        validate_email(applicant.email.strip())
        email_valid = True
    except ValidationError:
        email_valid = False
    return application_errors(
        names=names,
        values={name: value.strip() for name, value in values.items()},
        country_known=is_country_code(applicant.country),
        email_valid=email_valid,
        consent=applicant.consent,
    )


def address_known(email: str, but: Application | None = None) -> tuple[bool, bool]:
    """Whether an account holds the address, and whether another application from it waits
    for an editor (case ignored: one mailbox)."""
    has_account = User.objects.filter(email__iexact=email).exists()
    waiting = Application.objects.filter(email__iexact=email, state=ApplicationState.WAITING)
    if but is not None:
        waiting = waiting.exclude(pk=but.pk)
    return has_account, waiting.exists()


@transaction.atomic
def application_submit(
    *, applicant: Applicant, client: str | None, now: datetime.datetime | None = None
) -> Application:
    """A visitor asks to join the network: within the limits against spam (per client address
    and for everyone), the application is kept, unconfirmed, and the link that confirms the
    address is mailed. An address already known gets the same answer as a new one: the
    visitor learns nothing of who is a member; its mailbox is told after confirming."""
    now = now or timezone.now()
    client = ip_or_none(client)
    network = queries.network()
    if network is None:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("This installation does not take applications to join.")]}
        )
    errors = Errors()
    errors.add(applicant_errors(applicant))
    errors.raise_any()
    refusal = signup_refusal(
        from_client=Application.objects.filter(
            client=client, created_at__gt=now - datetime.timedelta(hours=1)
        ).count()
        if client
        else 0,
        from_everyone=Application.objects.filter(
            created_at__gt=now - datetime.timedelta(days=1)
        ).count(),
        per_hour=settings.MUTUALIS_SIGNUPS_PER_HOUR,
        per_day=settings.MUTUALIS_SIGNUPS_PER_DAY,
    )
    if refusal:
        raise ValidationError({NON_FIELD_ERRORS: [refusal]})
    row = Application(
        owner=network,
        first_name=applicant.first_name.strip(),
        last_name=applicant.last_name.strip(),
        email=applicant.email.strip(),
        organisation_name=applicant.organisation_name.strip(),
        country=applicant.country,
        function=applicant.function.strip(),
        motivation=applicant.motivation.strip(),
        language=applicant.language if applicant.language in Language.values else "fr",
        client=client,
        created_at=now,
    )
    errors.model(row, exclude=("owner",))
    errors.raise_any()
    row.save()
    audit_created(actor=None, obj=row)
    append(network.pk, events.application(events.APPLICATION_RECEIVED, row), None)
    notifications.confirm_queue(row)
    return row


def decided(row: Application, by: User | None, state: str) -> Snapshot:
    """The application as it was, before the editor's decision is set on it."""
    before = snapshot(row)
    row.state = state
    row.decided_at = timezone.now()
    row.decided_by = by
    return before


def application_log(by: User | None, row: Application, before: Snapshot, kind: str) -> None:
    row.save()
    audit_updated(actor=by, obj=row, before=before)
    append(row.owner_id, events.application(kind, row), by)


@transaction.atomic
def application_confirm(*, application: Application) -> Application:
    """The applicant followed the link mailed to them: their application waits for an editor.
    An address that already holds an account, or another application waiting, closes this
    one, and the mailbox is told why (no second account). Following the link again changes
    nothing."""
    row = Application.objects.select_for_update().get(pk=application.pk)
    if row.state != ApplicationState.UNCONFIRMED:
        return row
    has_account, waiting = address_known(row.email, but=row)
    before = snapshot(row)
    row.confirmed_at = timezone.now()
    if has_account or waiting:
        row.state = ApplicationState.CLOSED
        application_log(None, row, before, events.APPLICATION_CLOSED)
        notifications.known_queue(row, has_account)
    else:
        row.state = ApplicationState.WAITING
        application_log(None, row, before, events.APPLICATION_CONFIRMED)
    return row


def waiting_application(by: User | None, application: Application) -> Application:
    require_in_scope_as(by, EDITORS, application.owner, "application")
    row = Application.objects.select_for_update().get(pk=application.pk)
    if row.state != ApplicationState.WAITING:
        raise ValidationError(
            {"application": [_("This application is not waiting for an editor.")]}
        )
    return row


def member_username(email: str) -> str:
    """A new member signs in with their address, lower-cased (an account's user name is
    unique; the address was checked to be no account's)."""
    return email.strip().lower()


@transaction.atomic
def application_accept(
    *, by: User | None, application: Application, organisation: Organisation
) -> User:
    """An editor of the network accepts an application: an active account is made, with no
    role, in an organisation of the editor's scope (the network's own by default), and a link
    to choose its password is mailed. Members propose documents and post in the forums,
    which ask only that one signs in."""
    row = waiting_application(by, application)
    require_in_scope(by, organisation, "organisation")
    username = member_username(row.email)
    if (
        User.objects.filter(email__iexact=row.email).exists()
        or User.objects.filter(username__iexact=username).exists()
    ):
        raise ValidationError(
            {"application": [_("An account already holds this address: no second is made.")]}
        )
    account = User(
        username=username,
        email=row.email,
        first_name=row.first_name,
        last_name=row.last_name,
        organisation=organisation,
        is_active=True,
    )
    account.set_unusable_password()
    errors = Errors()
    errors.model(account, exclude=("password", "organisation"))
    errors.raise_any()
    account.save()
    audit_created(actor=by, obj=account)
    before = decided(row, by, ApplicationState.ACCEPTED)
    row.account = account
    application_log(by, row, before, events.APPLICATION_ACCEPTED)
    notifications.accepted_queue(row, account)
    return account


@transaction.atomic
def application_reject(*, by: User | None, application: Application, reason: str) -> Application:
    """An editor of the network refuses an application, saying why; the reason is mailed to
    the applicant and kept with the application."""
    row = waiting_application(by, application)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why: the reason is mailed to the applicant.")]})
    if len(reason.strip()) > REFUSAL_REASON_MAX:
        raise ValidationError(
            {
                "reason": [
                    _("The reason holds %(length)s characters; at most %(limit)s are allowed.")
                    % {"length": len(reason.strip()), "limit": REFUSAL_REASON_MAX}
                ]
            }
        )
    before = decided(row, by, ApplicationState.REFUSED)
    row.reason = reason.strip()
    application_log(by, row, before, events.APPLICATION_REFUSED)
    notifications.refused_queue(row)
    return row
