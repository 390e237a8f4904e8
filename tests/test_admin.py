import pytest
from django.apps import apps
from django.contrib import admin

APPS = [
    "inspections",
    "scheduling",
    "evidence",
    "annex_a",
    "calendars",
    "desk",
    "council",
    "aftermath",
]
MODELS = [m for a in APPS for m in apps.get_app_config(a).get_models()]


def test_every_model_has_an_admin():
    missing = [m.__name__ for m in MODELS if m not in admin.site._registry]
    assert missing == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_admin_list_renders_with_the_scenario(model, scenario, admin_client):
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert admin_client.get(url).status_code == 200
    first = model._default_manager.first()
    if first is not None:
        assert admin_client.get(f"{url}{first.pk}/change/").status_code == 200


def test_the_admin_is_for_superusers_only(db, client, django_user_model):
    staff = django_user_model.objects.create_user("it-desk", password="x", is_staff=True)
    client.force_login(staff)
    response = client.get("/admin/inspections/inspection/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get("/admin/").status_code == 302
    staff.is_superuser = True
    staff.save()
    assert client.get("/admin/inspections/inspection/").status_code == 200
