"""The main window's pages, in navigation order (Ctrl+1 … Ctrl+9)."""

from gui.pages.base import Page


def all_pages() -> list[type[Page]]:
    from gui.pages.balances import BalancesPage
    from gui.pages.codes import CodesPage
    from gui.pages.dashboard import DashboardPage
    from gui.pages.groups import GroupsPage
    from gui.pages.logs import LogsPage
    from gui.pages.mail import MailPage
    from gui.pages.payments import PaymentsPage
    from gui.pages.portal import PortalPage
    from gui.pages.prices import PricesPage
    from gui.pages.providers import ProvidersPage
    from gui.pages.security import SecurityPage
    from gui.pages.settings import SettingsPage
    from gui.pages.users import UsersPage

    return [DashboardPage, UsersPage, GroupsPage, BalancesPage, LogsPage, ProvidersPage,
            PricesPage, SettingsPage, SecurityPage, CodesPage, MailPage,
            PaymentsPage, PortalPage]
