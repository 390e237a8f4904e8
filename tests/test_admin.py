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
    "notify",
]
MODELS = sorted(
    (m for a in APPS for m in apps.get_app_config(a).get_models()), key=lambda m: m._meta.label
)


def test_every_model_has_an_admin():
    missing = [m.__name__ for m in MODELS if m not in admin.site._registry]
    assert missing == []


def test_each_admin_list_and_change_page_renders_with_the_scenario(scenario, admin_client):
    # One scenario load for every model: loading it per model cost minutes of CI.
    failures = []
    for model in MODELS:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages = [url]
        first = model._default_manager.first()
        if first is not None:
            pages.append(f"{url}{first.pk}/change/")
        failures += [
            (page, status)
            for page in pages
            if (status := admin_client.get(page).status_code) != 200
        ]
    assert failures == []


def test_the_admin_is_for_superusers_only(db, client, django_user_model):
    staff = django_user_model.objects.create_user("it-desk", password="x", is_staff=True)
    client.force_login(staff)
    response = client.get("/admin/inspections/inspection/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get("/admin/").status_code == 302
    staff.is_superuser = True
    staff.save()
    assert client.get("/admin/inspections/inspection/").status_code == 200
