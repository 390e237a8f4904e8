from django.conf import settings
from django.http import HttpRequest


def council(request: HttpRequest) -> dict[str, str]:
    return {"COUNCIL_NAME": settings.COUNCIL_NAME}
