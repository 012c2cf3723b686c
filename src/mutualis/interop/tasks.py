from mutualis.core.tasks import Task
from mutualis.interop.dhis2.services import pushes_waiting_send

TASKS = [Task("dhis2 pushes", pushes_waiting_send)]
