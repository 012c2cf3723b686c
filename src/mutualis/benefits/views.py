from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutualis.benefits import queries, services
from mutualis.benefits.forms import (
    CategoryAmountsForm,
    CoverageRuleForm,
    PackageForm,
    SubsidyForm,
    VersionForm,
    WaitingForm,
    formset,
)
from mutualis.benefits.models import BenefitPackage, Payer
from mutualis.core.access import access, ancestor_paths, scoped
from mutualis.core.forms import attach_errors
from mutualis.federation.models import Organisation
from mutualis.federation.queries import currency_of
from mutualis.federation.rules import PACKAGE_EDITORS, UNIONS, Kind, is_within


def can_change(user, package: BenefitPackage) -> bool:
    """A package is changed by its owner's people; those below it only read it."""
    return user.has_any_role(PACKAGE_EDITORS) and is_within(package.owner.path, user.scope_prefix)


@access()
def package_list(request):
    packages = (
        queries.packages_visible(request.user)
        .prefetch_related("versions")
        .order_by("owner__path", "name")
    )
    return render(
        request,
        "benefits/package_list.html",
        {
            "packages": packages,
            "can_create": request.user.has_any_role(PACKAGE_EDITORS),
        },
    )


@access(model=BenefitPackage)
def package_detail(request, package):
    versions = (
        queries.versions_with_rules([package.pk]).select_related("package").order_by("-valid_from")
    )
    return render(
        request,
        "benefits/package_detail.html",
        {
            "package": package,
            "versions": versions,
            "currency": currency_of(package.owner),
            "can_edit": can_change(request.user, package),
        },
    )


def owners_for(user):
    return scoped(Organisation.objects.filter(kind__in=[*UNIONS, Kind.MUTUAL]), user).order_by(
        "path"
    )


@access(roles=PACKAGE_EDITORS, writes=True)
@require_http_methods(["GET", "POST"])
def package_create(request):
    form = PackageForm(request.POST or None, owners=owners_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            package = services.package_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Package created: now give it its first version."))
            return redirect("package_version_create", pk=package.pk)
    return render(request, "benefits/package_form.html", {"form": form})


def payers_for(package: BenefitPackage):
    return Payer.objects.filter(owner__path__in=ancestor_paths(package.owner.path)).order_by("name")


def initial_from(version):
    """The forms' initial values copied from the version in force: a change starts from it."""
    if version is None:
        return {}, {}, [], [], []
    fields = {
        f.name: getattr(version, f.name)
        for f in version._meta.concrete_fields
        if f.name not in {"id", "uid", "package", "valid_from"}
    }
    amounts = {c.category: c.amount for c in version.category_contributions.all()}
    subsidies = [
        {"payer": s.payer_id, "category": s.category, "share_percent": Decimal(s.share_bp) / 100}
        for s in version.subsidies.all()
    ]
    waiting = [
        {"service_category": w.service_category, "days": w.days}
        for w in version.waiting_periods.all()
    ]
    rules = [
        {
            "service_category": r.service_category,
            "level": r.level,
            "rate_percent": Decimal(r.rate_bp) / 100,
            "referral_rate_percent": None
            if r.referral_rate_bp is None
            else Decimal(r.referral_rate_bp) / 100,
            "emergency_rate_percent": None
            if r.emergency_rate_bp is None
            else Decimal(r.emergency_rate_bp) / 100,
            "ceiling_per_act": r.ceiling_per_act,
            "ceiling_per_episode": r.ceiling_per_episode,
            "ceiling_per_year": r.ceiling_per_year,
            "guarantee_letter_required": r.guarantee_letter_required,
            "excluded": r.excluded,
        }
        for r in version.coverage_rules.all()
    ]
    return fields, amounts, subsidies, waiting, rules


@access(roles=PACKAGE_EDITORS, model=BenefitPackage, writes=True)
@require_http_methods(["GET", "POST"])
def package_version_create(request, package):
    if not can_change(request.user, package):
        raise Http404  # a union's package is read, not changed, by those below it
    latest = queries.versions_with_rules([package.pk]).order_by("-valid_from").first()
    fields, amounts, subsidies, waiting, rules = initial_from(latest)
    data = request.POST or None
    version_form = VersionForm(data, initial={**fields, "valid_from": timezone.localdate()})
    amounts_form = CategoryAmountsForm(data, prefix="amount", initial=amounts)
    payers = payers_for(package)
    subsidy_forms = formset(SubsidyForm, 2)(
        data, prefix="subsidy", initial=subsidies, form_kwargs={"payers": payers}
    )
    waiting_forms = formset(WaitingForm, 2)(data, prefix="waiting", initial=waiting)
    rule_forms = formset(CoverageRuleForm, 3)(data, prefix="rule", initial=rules)
    every = [version_form, amounts_form, subsidy_forms, waiting_forms, rule_forms]
    if request.method == "POST" and all(f.is_valid() for f in every):
        terms = dict(version_form.cleaned_data)
        try:
            services.package_version_add(
                by=request.user,
                package=package,
                valid_from=terms.pop("valid_from"),
                amounts_by_category=amounts_form.amounts(),
                subsidies=[
                    (
                        f.cleaned_data["payer"],
                        f.cleaned_data["category"],
                        int(f.cleaned_data["share_percent"] * 100),
                    )
                    for f in subsidy_forms
                    if f.has_changed() and f.cleaned_data
                ],
                waiting_days_by_service={
                    f.cleaned_data["service_category"]: f.cleaned_data["days"]
                    for f in waiting_forms
                    if f.has_changed() and f.cleaned_data
                },
                coverage=[f.rule() for f in rule_forms if f.has_changed() and f.cleaned_data],
                **terms,
            )
        except ValidationError as error:
            attach_errors(version_form, error)
        else:
            messages.success(request, _("New version saved."))
            return redirect("package_detail", pk=package.pk)
    return render(
        request,
        "benefits/version_form.html",
        {
            "package": package,
            "version_form": version_form,
            "amounts_form": amounts_form,
            "subsidy_forms": subsidy_forms,
            "waiting_forms": waiting_forms,
            "rule_forms": rule_forms,
            "latest": latest,
        },
    )
