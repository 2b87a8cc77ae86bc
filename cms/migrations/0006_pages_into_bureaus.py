"""Issue 15: every bureau's pages move into its own subtree, and the page permissions that hung on
the home page for every role go.

A results page moves under the `BureauPage` of its round's jurisdiction, a notice under the home
page under the bureau of the staff member who owns it (a notice nobody of a bureau owns stays the
platform's). Bureau pages are made here as needed; the bureaus' groups, their page permissions on
their subtrees and their workflows are made by `supervision.roles.roles_sync`, which runs after
every migrate. The old workflow stays, unassigned, so a round already waiting for approval finishes
through it (its task still refuses another bureau's approvers)."""

from django.db import migrations

STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ROLE_GROUPS = ["经办人", "审核人", "上级监督", "管理员"]


def _step(number: int) -> str:
    out = ""
    while number:
        number, digit = divmod(number, len(ALPHABET))
        out = ALPHABET[digit] + out
    return out.rjust(STEPLEN, "0")


def _next_child_path(Page, parent) -> str:
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    return parent.path + _step(int(last.path[-STEPLEN:], 36) + 1 if last else 1)


def _move(Page, page, new_parent) -> None:
    old_path, old_url = page.path, page.url_path
    old_parent = Page.objects.get(path=old_path[:-STEPLEN])
    new_path = _next_child_path(Page, new_parent)
    delta = new_parent.depth + 1 - page.depth
    new_url = new_parent.url_path + page.slug + "/"
    for node in list(Page.objects.filter(path__startswith=old_path)):
        node.path = new_path + node.path[len(old_path):]
        node.depth += delta
        if node.url_path.startswith(old_url):
            node.url_path = new_url + node.url_path[len(old_url):]
        node.save(update_fields=["path", "depth", "url_path"])
    Page.objects.filter(pk=old_parent.pk).update(numchild=Page.objects.filter(path__startswith=old_parent.path, depth=old_parent.depth + 1).count())
    Page.objects.filter(pk=new_parent.pk).update(numchild=Page.objects.filter(path__startswith=new_parent.path, depth=new_parent.depth + 1).count())


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    HomePage = apps.get_model("cms.HomePage")
    BureauPage = apps.get_model("cms.BureauPage")
    ResultsPage = apps.get_model("cms.ResultsPage")
    ResultsIndexPage = apps.get_model("cms.ResultsIndexPage")
    NoticePage = apps.get_model("cms.NoticePage")
    StaffProfile = apps.get_model("supervision.StaffProfile")

    GroupPagePermission.objects.filter(group__name__in=ROLE_GROUPS).delete()
    WorkflowPage.objects.filter(page__in=ResultsIndexPage.objects.values("pk")).delete()
    home = HomePage.objects.order_by("path").first()
    if home is None:
        return
    bureau_type, _ = ContentType.objects.get_or_create(app_label="cms", model="bureaupage")

    def bureau_of(jurisdiction):
        bureau = BureauPage.objects.filter(jurisdiction=jurisdiction).first()
        if bureau is None:
            parent = Page.objects.get(pk=home.pk)
            path = _next_child_path(Page, parent)
            title = f"{jurisdiction.name}市场监督管理局信息公开"
            bureau = BureauPage.objects.create(
                title=title, draft_title=title, slug=jurisdiction.code, jurisdiction=jurisdiction,
                intro="本局监督抽查考核结果公示与通知公告。", content_type=bureau_type, path=path,
                depth=parent.depth + 1, numchild=0, url_path=f"{parent.url_path}{jurisdiction.code}/",
                locale_id=parent.locale_id, live=True,
            )
            Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + 1)
        return Page.objects.get(pk=bureau.pk)

    moves = []
    for page in ResultsPage.objects.filter(plan__isnull=False).select_related("plan__jurisdiction"):
        moves.append((page.pk, page.plan.jurisdiction))
    home_children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).values("pk")
    for page in NoticePage.objects.filter(pk__in=home_children, owner__isnull=False):
        profile = StaffProfile.objects.filter(user_id=page.owner_id).select_related("jurisdiction").first()
        if profile is not None:
            moves.append((page.pk, profile.jurisdiction))
    for pk, jurisdiction in moves:
        bureau = bureau_of(jurisdiction)
        page = Page.objects.get(pk=pk)
        if page.path.startswith(bureau.path):
            continue
        _move(Page, page, bureau)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0005_bureau_pages"),
        ("assessment", "0011_resit_sessions"),
        ("supervision", "0010_person_assessment_status"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
