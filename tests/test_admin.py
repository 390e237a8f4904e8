import pytest
from django.apps import apps
from django.contrib import admin

APPS = ["inspections", "scheduling", "evidence", "annex_a", "calendars"]
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
