"""网上信访预登记: citizen pre-filing, receipt, status lookup and rating; staff transitions.

Public services live in `portal.prefiling.service` (citizen) and, for staff, in
`portal.prefiling.transitions`, `portal.prefiling.staff_view` and `portal.prefiling.queue` (all
three re-exported by `portal.prefiling.staff`); the form object in `portal.prefiling.form`; the lifecycle in `portal.prefiling.states`.
"""
