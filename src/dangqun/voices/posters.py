"""A unit's QR code for its posters: the signed token in its no-login link (a unit's link cannot be
guessed from another's), the unit a token names, and who may make a unit's poster."""

from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from dangqun.orgs.models import Org, System
from dangqun.voices import services

QR_SALT = "dangqun.voices.qr"
NO_SUCH_CODE = "二维码无效或已停用，请联系本单位群工部门"


def qr_token(unit: Org) -> str:
    return signing.dumps(unit.pk, salt=QR_SALT, compress=True)


def public_path(unit: Org) -> str:
    """The no-login page the unit's code opens."""
    return reverse("voices_public:qr", args=[qr_token(unit)])


def unit_of_token(token: str) -> Org:
    """The unit (not dissolved) a poster's token names; otherwise 404 with the reason."""
    try:
        return Org.objects.get(
            pk=signing.loads(token, salt=QR_SALT),
            system=System.ENTERPRISE,
            dissolved_on__isnull=True,
        )
    except (signing.BadSignature, Org.DoesNotExist):
        raise Http404(NO_SUCH_CODE) from None


def require_poster_unit(user, pk) -> Org:
    """The unit whose poster ``user`` makes: an enterprise unit (else 404) they keep 群众呼声 for
    (else 403)."""
    unit = get_object_or_404(Org, pk=pk, system=System.ENTERPRISE)
    services.require_poster_maker(user, unit)
    return unit
