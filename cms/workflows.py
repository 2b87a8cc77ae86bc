"""What an approved workflow does (settings.WAGTAIL_FINISH_WORKFLOW_ACTION)."""


def publish_approved(workflow_state, user=None):
    """Publish the approved revision. Wagtail's own action publishes as the last approver and so
    needs them to hold `publish_page`, which would also let them publish past the task (editor,
    bulk publish, revert): here the approval is the permission, the task having checked the
    approver (their bureau's group, `JurisdictionApprovalTask`)."""
    workflow_state.content_object.get_latest_revision().publish(user=user, skip_permission_checks=True)
