"""Groups: users priced and limited alike, each with a price multiplier and the models its
users may use. The groups service checks and applies everything; this page shows its answers.
"""

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMessageBox, QVBoxLayout, QWidget

from app import groups
from app.errors import ServiceError
from app.models import UserGroup
from gui.asyncdialog import ask, confirm_destructive
from gui.backend import Backend
from gui.dialogs.group_edit import GroupEditDialog
from gui.errors import error_text
from gui.pages.balances_rows import (
    Column,
    RowsModel,
    make_table,
    selected_row,
    shortcut_button,
    sorted_view,
)
from gui.pages.base import Page
from gui.tables import fit_columns


class GroupsPage(Page):
    """Attributes:
        last_dialog: the dialog or box opened last, so tests can answer it.
    """

    topics = ("groups", "users")  # users: the counts change when users join or leave

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.last_dialog: QDialog | None = None
        self._select_after_load: str | None = None
        self.model = RowsModel([
            Column(self.tr("Name"), lambda g: g.name, key=lambda g: g.name.lower()),
            Column(self.tr("Multiplier"), lambda g: groups.format_multiplier(g.multiplier_ppm),
                   key=lambda g: g.multiplier_ppm, numeric=True),
            Column(self.tr("Models"),
                   lambda g: ", ".join(g.models) if g.models else self.tr("All priced models"),
                   key=lambda g: ", ".join(g.models or ())),
            Column(self.tr("Users"), lambda g: f"{g.user_count:,}", key=lambda g: g.user_count,
                   numeric=True),
            Column(self.tr("Description"), lambda g: g.description or "",
                   key=lambda g: (g.description or "").lower()),
        ], self)
        self.proxy = sorted_view(self.model)
        self.view = make_table(self.proxy, sortable=True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        fit_columns(self.view, stretch=4, elide=[2])
        self.view.doubleClicked.connect(lambda _: self.spawn(self.edit_group()))
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.hint = QLabel(self.tr(
            "Every user belongs to one group; new users join \"default\". A request costs the "
            "model's price times the user's group's multiplier, and a group with a model list "
            "may use only those models. Changes apply to the next request."))
        self.hint.setWordWrap(True)
        self.add_button = shortcut_button(
            self, self.tr("&Add…"), self.tr("Add a group"), QKeySequence.StandardKey.New,
            lambda: self.spawn(self.add_group()))
        self.edit_button = shortcut_button(
            self, self.tr("&Edit…"), self.tr("Change the selected group"), "F2",
            lambda: self.spawn(self.edit_group()))
        self.remove_button = shortcut_button(
            self, self.tr("&Remove…"), self.tr("Remove the selected group"),
            QKeySequence.StandardKey.Delete, lambda: self.spawn(self.remove_group()))
        refresh = shortcut_button(self, self.tr("Refresh"), self.tr("Reload the groups"), "F5",
                                  lambda: self.spawn(self.reload()))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        self._selection_changed()

    def title(self) -> str:
        return self.tr("Groups")

    async def refresh(self) -> None:
        rows = await self.backend.call(groups.list_groups)
        chosen = self.selected_group()
        keep = self._select_after_load or (chosen.name if chosen is not None else None)
        self._select_after_load = None
        self.model.set_rows(rows)
        if keep is not None:
            self.select_group(keep)
        self._selection_changed()

    def selected_group(self) -> UserGroup | None:
        return selected_row(self.view)

    def select_group(self, name: str) -> bool:
        for row, group in enumerate(self.model.rows):
            if group.name == name:
                self.view.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
                return True
        return False

    def _selection_changed(self, *_: Any) -> None:
        group = self.selected_group()
        self.edit_button.setEnabled(group is not None)
        self.remove_button.setEnabled(group is not None and group.name != groups.DEFAULT)

    async def _save(self, dialog: GroupEditDialog, name: str | None) -> UserGroup | None:
        """Show ``dialog`` until the service accepts it or the operator cancels; ``name`` is
        the group being edited (None: a new one)."""
        self.last_dialog = dialog
        try:
            while await ask(dialog) == QDialog.DialogCode.Accepted:
                try:
                    if name is None:
                        group = await self.backend.call(
                            groups.add_group, dialog.name.text(),
                            multiplier=dialog.multiplier.text(), models=dialog.model_list(),
                            description=dialog.description.text())
                    else:
                        group = await self.backend.call(
                            groups.update_group, name, new_name=dialog.name.text(),
                            multiplier=dialog.multiplier.text(), models=dialog.model_list(),
                            description=dialog.description.text())
                except ServiceError as exc:
                    dialog.fail(error_text(exc), exc.param)
                    continue
                self._changed(group.name)
                return group
            return None
        finally:
            dialog.deleteLater()

    def _changed(self, select: str | None = None) -> None:
        """Tell every page (this one reloads too, keeping ``select`` or the current row)."""
        self._select_after_load = select
        self.backend.changed.emit("groups")

    async def add_group(self) -> UserGroup | None:
        return await self._save(GroupEditDialog(parent=self), None)

    async def edit_group(self) -> UserGroup | None:
        group = self.selected_group()
        if group is None:
            return None
        return await self._save(GroupEditDialog(
            group, groups.format_multiplier(group.multiplier_ppm), self), group.name)

    async def remove_group(self) -> bool:
        group = self.selected_group()
        if group is None or group.name == groups.DEFAULT:
            return False
        if not await confirm_destructive(
                self, self.tr("Remove group"),
                self.tr("Remove the group {group}?").format(group=group.name),
                self.tr("Only a group without users can be removed; move its users to "
                        "another group first."), self.tr("Remove")):
            return False
        try:
            await self.backend.call(groups.remove_group, group.name)
        except ServiceError as exc:
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Remove group"),
                              error_text(exc), QMessageBox.StandardButton.Ok, self)
            self.last_dialog = box
            await ask(box)
            return False
        self._changed()
        return True
