from accounts.permissions import register
from accounts.roles import Role

register("masterdata.view", Role)
