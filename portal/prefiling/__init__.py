"""网上信访预登记: citizen pre-filing, receipt, status lookup and rating; staff transitions.

Public services live in `portal.prefiling.service` (citizen) and `portal.prefiling.staff`
(staff); the form object in `portal.prefiling.form`; the lifecycle in `portal.prefiling.states`.
"""
