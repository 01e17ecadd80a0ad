from accounts.permissions import register
from accounts.roles import WORKING_ROLES

# Filing a document on a record: anyone who works on records (the general manager reads only);
# seeing the record is asked too, by the record's own "view" action (documents.attachables).
register("documents.attach", WORKING_ROLES)
