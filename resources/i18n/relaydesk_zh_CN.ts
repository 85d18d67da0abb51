<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AdjustDialog</name>
    <message>
        <location filename="../../gui/dialogs/adjust.py" line="29"/>
        <source>Adjust balance</source>
        <translation>调整余额</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/adjust.py" line="39"/>
        <source>required, for example 5 to add, -2.50 to take off</source>
        <translation>必填，例如 5 表示增加，-2.50 表示扣减</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/adjust.py" line="41"/>
        <source>required, kept in the ledger</source>
        <translation>必填，将记入余额流水</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/adjust.py" line="44"/>
        <source>&amp;User:</source>
        <translation>用户(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/adjust.py" line="45"/>
        <source>Balance now:</source>
        <translation>当前余额：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/adjust.py" line="46"/>
        <source>&amp;Change:</source>
        <translation>调整金额(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/adjust.py" line="47"/>
        <source>&amp;Reason:</source>
        <translation>原因(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/adjust.py" line="48"/>
        <source>Adjust</source>
        <translation>调整</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/adjust.py" line="57"/>
        <source>{amount} {currency}</source>
        <translation>{amount} {currency}</translation>
    </message>
</context>
<context>
    <name>AnnouncementDialog</name>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="129"/>
        <source>New announcement</source>
        <translation>新公告</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="129"/>
        <source>Post</source>
        <translation>发布</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="133"/>
        <source>&amp;Title:</source>
        <translation>标题(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="134"/>
        <source>&amp;Body:</source>
        <translation>正文(&amp;B)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="135"/>
        <source>Also &amp;email it to every user who has not opted out</source>
        <translation>同时通过邮件发送给所有未退订的用户(&amp;E)</translation>
    </message>
</context>
<context>
    <name>ApiKeysDialog</name>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="288"/>
        <source>API keys of {user}</source>
        <translation>{user} 的 API 密钥</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="289"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="289"/>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="289"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="289"/>
        <source>Allowed models</source>
        <translation>允许的模型</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="290"/>
        <source>Allowed addresses</source>
        <translation>允许的地址</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="290"/>
        <source>Expires after</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="291"/>
        <source>Last used</source>
        <translation>最近使用</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="291"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="291"/>
        <source>Rate limits</source>
        <translation>速率限制</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="309"/>
        <source>{user} is disabled: none of these keys work until the user is enabled again.</source>
        <translation>{user} 已停用：重新启用该用户之前，这些密钥均无法使用。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="313"/>
        <source>{user} has no API keys yet. Create one to let them call the relay.</source>
        <translation>{user} 还没有 API 密钥。创建密钥后即可调用中转服务。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="317"/>
        <source>&amp;Create key…</source>
        <translation>创建密钥(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="318"/>
        <source>Issue a new key (Ctrl+N)</source>
        <translation>签发新密钥（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="320"/>
        <source>&amp;Edit limits…</source>
        <translation>编辑限制(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="322"/>
        <source>&amp;Revoke…</source>
        <translation>吊销(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="323"/>
        <source>Stop this key from working, for good (Delete)</source>
        <translation>永久停用此密钥（Delete）</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="377"/>
        <source>Revoked</source>
        <translation>已吊销</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="379"/>
        <source>Expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="381"/>
        <source>Active</source>
        <translation>有效</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="384"/>
        <location filename="../../gui/dialogs/api_keys.py" line="385"/>
        <source>any</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="386"/>
        <location filename="../../gui/dialogs/api_keys.py" line="387"/>
        <source>never</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="399"/>
        <source>{n} requests/min</source>
        <translation>每分钟 {n} 次请求</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="400"/>
        <source>{n} tokens/min</source>
        <translation>每分钟 {n} 个 token</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="401"/>
        <source>{n} concurrent</source>
        <translation>{n} 个并发</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="403"/>
        <source>unlimited</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="404"/>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="460"/>
        <location filename="../../gui/dialogs/api_keys.py" line="465"/>
        <source>Revoke key</source>
        <translation>吊销密钥</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="461"/>
        <source>Revoke the key “{name}” ({prefix}) of {user}?</source>
        <translation>确定要吊销 {user} 的密钥“{name}”（{prefix}）吗？</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="463"/>
        <source>Programs using this key are refused from now on. A revoked key cannot be turned back on; create a new one instead.</source>
        <translation>使用此密钥的程序将立即被拒绝。密钥吊销后无法恢复，如需继续使用请创建新密钥。</translation>
    </message>
</context>
<context>
    <name>Backend</name>
    <message>
        <location filename="../../gui/backend.py" line="140"/>
        <source>The relay did not start within a minute. The details are in relaydesk.log in the data folder.</source>
        <translation>中转服务未能在一分钟内启动。详细信息见数据文件夹中的 relaydesk.log。</translation>
    </message>
    <message>
        <location filename="../../gui/backend.py" line="143"/>
        <source>Port {port} on {host} is not available: {why}</source>
        <translation>{host} 上的端口 {port} 不可用：{why}</translation>
    </message>
    <message>
        <location filename="../../gui/backend.py" line="147"/>
        <source>The relay could not start. The details are in relaydesk.log in the data folder.</source>
        <translation>中转服务无法启动。详细信息见数据文件夹中的 relaydesk.log。</translation>
    </message>
    <message>
        <location filename="../../gui/backend.py" line="165"/>
        <source>The relay stopped unexpectedly. The details are in relaydesk.log; Relay → Start relay starts it again.</source>
        <translation>中转服务意外停止。详细信息见 relaydesk.log；可通过“中转 → 启动中转服务”重新启动。</translation>
    </message>
</context>
<context>
    <name>BackupDialog</name>
    <message>
        <location filename="../../gui/dialogs/backup.py" line="32"/>
        <source>Backups</source>
        <translation>备份</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/backup.py" line="34"/>
        <source>Backups are kept in the data folder, readable only by your account.</source>
        <translation>备份保存在数据文件夹中，仅您的账户可读。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/backup.py" line="39"/>
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/backup.py" line="41"/>
        <source>Restore…</source>
        <translation>恢复…</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/backup.py" line="42"/>
        <source>Replace the database with the selected backup</source>
        <translation>用所选备份替换数据库</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/backup.py" line="66"/>
        <source>A backup is made automatically every {hours} hours while the relay runs.</source>
        <translation>中转服务运行期间，每 {hours} 小时自动备份一次。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/backup.py" line="68"/>
        <source>Automatic backups are off.</source>
        <translation>自动备份已关闭。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/backup.py" line="70"/>
        <source>Backups are kept in the data folder, readable only by your account. The newest {keep} are kept.</source>
        <translation>备份保存在数据文件夹中，仅您的账户可读。保留最新的 {keep} 份。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/backup.py" line="100"/>
        <source>Backup written: {name}</source>
        <translation>已写入备份：{name}</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/backup.py" line="109"/>
        <source>Restore backup</source>
        <translation>恢复备份</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/backup.py" line="110"/>
        <source>Replace the current database with {name}?</source>
        <translation>用 {name} 替换当前数据库？</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/backup.py" line="113"/>
        <source>Everything recorded since that backup is replaced. The current database is kept aside first, as backups/before-restore-&lt;time&gt;.sqlite3, so this can be undone.

The relay stops while the database is replaced and starts again on the restored one. Restart RelayDesk afterwards so every page loads the restored data.</source>
        <translation>该备份之后记录的所有内容都将被替换。当前数据库会先另存为 backups/before-restore-&lt;time&gt;.sqlite3，因此可以撤销。

替换数据库期间中转服务会停止，之后在恢复的数据库上重新启动。完成后请重启 RelayDesk，以便所有页面加载恢复的数据。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/backup.py" line="140"/>
        <source>Restoring {name}…</source>
        <translation>正在恢复 {name}…</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/backup.py" line="149"/>
        <source>Nothing was restored.</source>
        <translation>未恢复任何内容。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/backup.py" line="155"/>
        <source>Restore done — restart RelayDesk. The previous database was kept as {name}.</source>
        <translation>恢复完成——请重启 RelayDesk。原数据库已另存为 {name}。</translation>
    </message>
</context>
<context>
    <name>BalancesPage</name>
    <message>
        <location filename="../../gui/pages/balances.py" line="85"/>
        <source>Balances &amp; recharges</source>
        <translation>余额与充值</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="91"/>
        <source>Re&amp;charge…</source>
        <translation>充值(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="91"/>
        <source>Credit a user&apos;s balance with a payment</source>
        <translation>收款后为用户增加余额</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="94"/>
        <source>Ref&amp;und…</source>
        <translation>退款(&amp;U)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="94"/>
        <source>Give back all or part of the selected recharge</source>
        <translation>退还所选充值的全部或部分金额</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="97"/>
        <source>&amp;Adjust…</source>
        <translation>调整(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="97"/>
        <source>Correct a balance up or down, with a reason</source>
        <translation>调高或调低余额，需填写原因</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="100"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="100"/>
        <source>Reload this page</source>
        <translation>重新加载本页</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="113"/>
        <location filename="../../gui/pages/balances.py" line="178"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="115"/>
        <location filename="../../gui/pages/balances.py" line="146"/>
        <source>Balance</source>
        <translation>余额</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="125"/>
        <source>Find a user (Ctrl+F)</source>
        <translation>查找用户（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="128"/>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="136"/>
        <source>{name} (disabled)</source>
        <translation>{name}（停用）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="142"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="143"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="144"/>
        <location filename="../../gui/pages/balances.py" line="179"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="148"/>
        <source>Balance after this entry</source>
        <translation>本笔记账后的余额</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="149"/>
        <source>Reference</source>
        <translation>关联单号</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="150"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="154"/>
        <source>Hide request holds and releases</source>
        <translation>隐藏请求的预扣与释放</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="155"/>
        <source>Each relayed request holds money while it runs and releases it when it is charged.</source>
        <translation>每个中转请求在处理期间会预扣金额，正式扣费时释放预扣。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="159"/>
        <location filename="../../gui/pages/balances.py" line="194"/>
        <source>Load more</source>
        <translation>加载更多</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="168"/>
        <source>Ledger</source>
        <translation>余额流水</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="177"/>
        <source>Order number</source>
        <translation>订单号</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="180"/>
        <source>Method</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="181"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="182"/>
        <source>Refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="184"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="185"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="200"/>
        <source>Recharge records</source>
        <translation>充值记录</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="216"/>
        <source>{column} ({currency})</source>
        <translation>{column}（{currency}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="262"/>
        <source>Ledger: select a user</source>
        <translation>余额流水：请选择用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="278"/>
        <source>Ledger of {user}: balance {balance} {currency}</source>
        <translation>{user} 的余额流水：余额 {balance} {currency}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="282"/>
        <source>1 entry shown</source>
        <translation>已显示 1 条</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="283"/>
        <source>{n} entries shown</source>
        <translation>已显示 {n} 条</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="310"/>
        <source>{shown} of {count} records shown. Recharged {recharged} {currency}, refunded {refunded} {currency}, net {net} {currency}.</source>
        <translation>已显示 {shown} / {count} 条记录。充值 {recharged} {currency}，退款 {refunded} {currency}，净额 {net} {currency}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="359"/>
        <source>Recharged {amount} {currency} to {user}. Order number: {order}</source>
        <translation>已为 {user} 充值 {amount} {currency}。订单号：{order}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="363"/>
        <source>Recharged</source>
        <translation>充值成功</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="388"/>
        <source>Order {order}: {refunded} of {amount} {currency} refunded to {user}.</source>
        <translation>订单 {order}：已向 {user} 退款 {refunded} / {amount} {currency}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="411"/>
        <source>{user}: balance adjusted by {amount} {currency}, now {balance} {currency}.</source>
        <translation>{user}：余额调整 {amount} {currency}，当前余额 {balance} {currency}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="27"/>
        <source>Recharge</source>
        <translation>充值</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="28"/>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="29"/>
        <source>Adjustment</source>
        <translation>调整</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="30"/>
        <source>Hold</source>
        <translation>预扣</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="31"/>
        <source>Release</source>
        <translation>释放</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="32"/>
        <source>Charge</source>
        <translation>扣费</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="33"/>
        <source>Carried forward</source>
        <translation>结转</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_rows.py" line="181"/>
        <source>{what} ({shortcut})</source>
        <translation>{what}（{shortcut}）</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <location filename="../../gui/dialogs/change_password.py" line="22"/>
        <source>Change admin password</source>
        <translation>修改管理员密码</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/change_password.py" line="25"/>
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/change_password.py" line="29"/>
        <source>Current password:</source>
        <translation>当前密码：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/change_password.py" line="30"/>
        <source>New password:</source>
        <translation>新密码：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/change_password.py" line="31"/>
        <source>New password again:</source>
        <translation>再次输入新密码：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/change_password.py" line="58"/>
        <source>The two new passwords differ.</source>
        <translation>两次输入的新密码不一致。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/change_password.py" line="66"/>
        <source>Too many wrong passwords: try again after {time} (UTC).</source>
        <translation>密码错误次数过多：请在 {time}（UTC）之后重试。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/change_password.py" line="71"/>
        <source>The current password is wrong.</source>
        <translation>当前密码不正确。</translation>
    </message>
</context>
<context>
    <name>CidrListEditor</name>
    <message>
        <location filename="../../gui/widgets/cidr_list.py" line="51"/>
        <source>One address or network per line, for example 192.168.1.0/24 or fd00::/8</source>
        <translation>每行一个地址或网段，例如 192.168.1.0/24 或 fd00::/8</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/cidr_list.py" line="86"/>
        <source>Not an IP address or network: {entries}</source>
        <translation>不是有效的 IP 地址或网段：{entries}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/widgets/cidr_list.py" line="91"/>
        <source>%n entries. An address without a /prefix means that single computer.</source>
        <translation>
            <numerusform>共 %n 条。不带 /前缀 的地址仅表示该台计算机。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/widgets/cidr_list.py" line="93"/>
        <source>The list is empty.</source>
        <translation>列表为空。</translation>
    </message>
</context>
<context>
    <name>ClientSnippets</name>
    <message>
        <location filename="../../gui/dialogs/agent_snippets.py" line="90"/>
        <source>OpenAI SDKs, curl, Cherry Studio</source>
        <translation>OpenAI SDK、curl、Cherry Studio</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/agent_snippets.py" line="91"/>
        <source>Run these lines in a terminal; the last one starts Claude Code.</source>
        <translation>在终端中运行以下几行；最后一行启动 Claude Code。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/agent_snippets.py" line="93"/>
        <source>Put this in ~/.codex/config.toml:</source>
        <translation>把以下内容写入 ~/.codex/config.toml：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/agent_snippets.py" line="94"/>
        <source>Then give Codex the key and start it:</source>
        <translation>然后把密钥交给 Codex 并启动它：</translation>
    </message>
</context>
<context>
    <name>CodesCreatedDialog</name>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="83"/>
        <source>Codes generated</source>
        <translation>兑换码已生成</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="90"/>
        <source>Save or copy these {count} codes now. They will not be shown again.</source>
        <translation>请立即保存或复制这 {count} 个兑换码。它们不会再次显示。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="98"/>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="99"/>
        <source>Copy the codes to the clipboard, one a line</source>
        <translation>将兑换码复制到剪贴板，每行一个</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="101"/>
        <source>&amp;Save as CSV…</source>
        <translation>另存为 CSV(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="112"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="126"/>
        <source>Copied to the clipboard.</source>
        <translation>已复制到剪贴板。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="134"/>
        <source>Save codes as</source>
        <translation>兑换码另存为</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="138"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="138"/>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="159"/>
        <source>Saved as {path}.</source>
        <translation>已保存为 {path}。</translation>
    </message>
</context>
<context>
    <name>CodesPage</name>
    <message>
        <location filename="../../gui/pages/codes.py" line="68"/>
        <source>Code</source>
        <translation>兑换码</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="69"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="71"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="72"/>
        <source>Expires</source>
        <translation>到期</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="74"/>
        <source>Used by</source>
        <translation>使用者</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="75"/>
        <location filename="../../gui/pages/codes.py" line="85"/>
        <location filename="../../gui/pages/codes.py" line="119"/>
        <source>Used</source>
        <translation>已使用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="77"/>
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="78"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="79"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="84"/>
        <source>All codes</source>
        <translation>全部兑换码</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="84"/>
        <location filename="../../gui/pages/codes.py" line="119"/>
        <source>Active</source>
        <translation>有效</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="85"/>
        <location filename="../../gui/pages/codes.py" line="120"/>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="89"/>
        <source>&amp;Generate…</source>
        <translation>生成(&amp;G)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="89"/>
        <source>Generate redemption codes</source>
        <translation>生成兑换码</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="91"/>
        <source>&amp;Disable…</source>
        <translation>停用(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="93"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="93"/>
        <source>Reload the codes</source>
        <translation>重新加载兑换码</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="99"/>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="103"/>
        <source>Each code adds its amount to the balance of the portal user who redeems it, once. Codes are shown only when generated: save or copy them then.</source>
        <translation>每个兑换码只能使用一次，其金额会加到兑换它的门户用户的余额中。兑换码仅在生成时显示，请当时保存或复制。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="114"/>
        <source>Codes</source>
        <translation>兑换码</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="118"/>
        <source>Expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="125"/>
        <source>Amount ({currency})</source>
        <translation>金额（{currency}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="162"/>
        <location filename="../../gui/pages/codes.py" line="171"/>
        <source>Disable code</source>
        <translation>停用兑换码</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="163"/>
        <source>Disable the code {code} ({amount})?</source>
        <translation>停用兑换码 {code}（{amount}）？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="165"/>
        <source>Nobody can redeem it any more. This cannot be undone.</source>
        <translation>此后无人能再兑换它。此操作无法撤销。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/codes.py" line="166"/>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
</context>
<context>
    <name>DamagedDatabaseDialog</name>
    <message>
        <location filename="../../gui/dialogs/damaged.py" line="38"/>
        <source>RelayDesk — damaged database</source>
        <translation>RelayDesk — 数据库已损坏</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/damaged.py" line="41"/>
        <source>The database {path} is damaged and cannot be opened ({reason}).

Restore a backup to continue. The damaged file is kept aside in the backups folder.</source>
        <translation>数据库 {path} 已损坏，无法打开（{reason}）。

请恢复一个备份后继续。损坏的文件会另存到备份文件夹中。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/damaged.py" line="51"/>
        <source>&amp;Restore selected</source>
        <translation>恢复所选备份(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/damaged.py" line="54"/>
        <source>Restore a &amp;backup…</source>
        <translation>恢复备份(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/damaged.py" line="55"/>
        <source>Choose a backup file anywhere</source>
        <translation>从任意位置选择备份文件</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/damaged.py" line="63"/>
        <source>Kept backups, newest first:</source>
        <translation>已保存的备份（最新的在前）：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/damaged.py" line="64"/>
        <source>No backups in the backups folder.</source>
        <translation>备份文件夹中没有备份。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/damaged.py" line="74"/>
        <source>Restore a backup</source>
        <translation>恢复备份</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/damaged.py" line="75"/>
        <source>RelayDesk backups (*.sqlite3);;All files (*)</source>
        <translation>RelayDesk 备份 (*.sqlite3);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="145"/>
        <source>Dashboard</source>
        <translation>仪表盘</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="150"/>
        <source>Requests today</source>
        <translation>今日请求数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="151"/>
        <source>Tokens today</source>
        <translation>今日 Token 数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="152"/>
        <source>Spend today (local time)</source>
        <translation>今日消费（本地时间）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="153"/>
        <source>Active users today</source>
        <translation>今日活跃用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="154"/>
        <source>Errors today</source>
        <translation>今日错误数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="166"/>
        <location filename="../../gui/pages/dashboard.py" line="210"/>
        <source>Requests</source>
        <translation>请求数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="167"/>
        <location filename="../../gui/pages/dashboard.py" line="210"/>
        <source>Spend</source>
        <translation>消费</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="169"/>
        <source>Show requests per day</source>
        <translation>显示每日请求数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="170"/>
        <source>Show spend per day</source>
        <translation>显示每日消费</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="206"/>
        <source>Top models today</source>
        <translation>今日热门模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="210"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="210"/>
        <source>Tokens</source>
        <translation>Token 数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="211"/>
        <source>Share of requests</source>
        <translation>请求占比</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="234"/>
        <source>No requests yet today.</source>
        <translation>今天还没有请求。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="277"/>
        <source>{amount} {currency}</source>
        <translation>{amount} {currency}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="282"/>
        <source>{n} in the last minute</source>
        <translation>最近一分钟 {n} 个请求</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="284"/>
        <source>{p} prompt, {c} completion</source>
        <translation>提示 {p}，补全 {c}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="287"/>
        <source>charged to users</source>
        <translation>向用户收取</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="288"/>
        <source>with at least one request</source>
        <translation>至少发起过一次请求</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="291"/>
        <source>{pct}% of requests</source>
        <translation>占请求数的 {pct}%</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="293"/>
        <source>no requests yet</source>
        <translation>暂无请求</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="304"/>
        <source>Spend ({currency})</source>
        <translation>消费（{currency}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="327"/>
        <source>(no model)</source>
        <translation>（无模型）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="360"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="373"/>
        <source>Spend per day in {currency}, last 14 days (local time)</source>
        <translation>每日消费（{currency}），最近 14 天（本地时间）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="375"/>
        <source>Requests per day, last 14 days (local time)</source>
        <translation>每日请求数，最近 14 天（本地时间）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="380"/>
        <source>No requests in the last 14 days.</source>
        <translation>近 14 天没有请求。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="403"/>
        <source>{model} on {day}: {amount}</source>
        <translation>{model}，{day}：{amount}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="406"/>
        <source>{model} on {day}: {n} requests</source>
        <translation>{model}，{day}：{n} 个请求</translation>
    </message>
</context>
<context>
    <name>DeploymentForm</name>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="47"/>
        <source>Use SSL when the server offers it</source>
        <translation>服务器支持时使用 SSL</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="48"/>
        <source>Require SSL</source>
        <translation>必须使用 SSL</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="49"/>
        <source>Require SSL and a trusted certificate</source>
        <translation>必须使用 SSL 且证书受信任</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="50"/>
        <source>Require SSL, a trusted certificate and its host name</source>
        <translation>必须使用 SSL、证书受信任且主机名匹配</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="52"/>
        <source>No SSL</source>
        <translation>不使用 SSL</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="58"/>
        <source>Connected to PostgreSQL {version}.</source>
        <translation>已连接到 PostgreSQL {version}。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="61"/>
        <source>The database is empty: RelayDesk creates its tables when it first connects.</source>
        <translation>数据库为空：RelayDesk 首次连接时会创建所需的表。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="64"/>
        <source>It holds a RelayDesk deployment (schema version {n}, current).</source>
        <translation>其中是一个 RelayDesk 部署（结构版本 {n}，为最新）。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="67"/>
        <source>Its schema (version {found}) is upgraded to {latest} when RelayDesk connects; update the relays on the servers too.</source>
        <translation>其结构（版本 {found}）将在 RelayDesk 连接时升级到 {latest}；请同时更新服务器上的中转服务。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="88"/>
        <source>db.example.com</source>
        <translation>db.example.com</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="99"/>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="106"/>
        <source>Server:</source>
        <translation>服务器：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="107"/>
        <source>Port:</source>
        <translation>端口：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="108"/>
        <source>Database:</source>
        <translation>数据库：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="109"/>
        <source>User:</source>
        <translation>用户：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="110"/>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="111"/>
        <source>SSL:</source>
        <translation>SSL：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="135"/>
        <source>stored in the keyring; type to replace it</source>
        <translation>已保存在密钥环中；输入新密码可替换</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="156"/>
        <source>Connecting to {where}…</source>
        <translation>正在连接 {where}…</translation>
    </message>
</context>
<context>
    <name>DeploymentSettings</name>
    <message>
        <location filename="../../gui/pages/settings_deployment.py" line="38"/>
        <source>Deployment</source>
        <translation>部署</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_deployment.py" line="44"/>
        <source>This window manages the deployment {where}; no relay runs on this computer.</source>
        <translation>此窗口管理部署 {where}；本机不运行中转服务。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_deployment.py" line="46"/>
        <source>This window works on this computer&apos;s database, and the relay runs here.</source>
        <translation>此窗口使用本机的数据库，中转服务也在本机运行。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_deployment.py" line="48"/>
        <source>This computer (local database, the relay runs here)</source>
        <translation>本机（本地数据库，中转服务在本机运行）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_deployment.py" line="49"/>
        <source>A RelayDesk deployment on PostgreSQL</source>
        <translation>基于 PostgreSQL 的 RelayDesk 部署</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_deployment.py" line="57"/>
        <source>Save choice</source>
        <translation>保存选择</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_deployment.py" line="71"/>
        <source>Managing a deployment, this window works on its PostgreSQL database: users, balances, providers, prices and logs are those its relays use. The choice is used from the next start. The password is kept in the OS keyring.</source>
        <translation>管理部署时，此窗口直接使用该部署的 PostgreSQL 数据库：用户、余额、服务商、价格和日志即其中转服务所用的数据。此选择在下次启动时生效。密码保存在系统密钥环中。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_deployment.py" line="76"/>
        <source>DATABASE_URL is set in this computer&apos;s environment: it names the database, whatever is chosen here.</source>
        <translation>本机环境中设置了 DATABASE_URL：无论此处如何选择，都使用它指定的数据库。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_deployment.py" line="96"/>
        <source>Not used while this window manages a deployment: its relays listen and serve HTTPS as set up on its servers.</source>
        <translation>此窗口管理部署时不使用：部署的中转服务按其服务器上的设置监听并提供 HTTPS。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_deployment.py" line="117"/>
        <source>Not saved: the deployment did not answer as it should (see above).</source>
        <translation>未保存：该部署的响应不正确（见上文）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_deployment.py" line="127"/>
        <source>Not saved: {why}</source>
        <translation>未保存：{why}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_deployment.py" line="132"/>
        <source>Saved. Restart RelayDesk to apply it.</source>
        <translation>已保存。重启 RelayDesk 后生效。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_deployment.py" line="133"/>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
</context>
<context>
    <name>ExpiryField</name>
    <message>
        <location filename="../../gui/widgets/expiry.py" line="14"/>
        <source>Works until the end of</source>
        <translation>有效期至</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../gui/dialogs/export.py" line="34"/>
        <source>Export user data</source>
        <translation>导出用户数据</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/export.py" line="40"/>
        <source>User:</source>
        <translation>用户：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/export.py" line="41"/>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/export.py" line="63"/>
        <source>Save export as</source>
        <translation>导出文件另存为</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/export.py" line="67"/>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/export.py" line="68"/>
        <source>ZIP archives of CSV files (*.zip)</source>
        <translation>CSV 文件的 ZIP 压缩包 (*.zip)</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/export.py" line="69"/>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/export.py" line="79"/>
        <source>Export saved</source>
        <translation>导出已保存</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/export.py" line="80"/>
        <source>The export was saved as {path}.</source>
        <translation>导出已保存为 {path}。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/export.py" line="82"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/export.py" line="92"/>
        <source>Exporting {user}…</source>
        <translation>正在导出 {user} 的数据…</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/export.py" line="93"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="184"/>
        <source>Welcome to RelayDesk</source>
        <translation>欢迎使用 RelayDesk</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="188"/>
        <source>Choose the administrator password that protects this window, and how the relay should listen.</source>
        <translation>请设置保护本窗口的管理员密码，并选择中转服务的监听方式。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="190"/>
        <source>The deployment {where} has no administrator yet. Choose the administrator password that protects it.</source>
        <translation>部署 {where} 还没有管理员。请设置保护它的管理员密码。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="193"/>
        <source>This computer (local database, the relay runs here)</source>
        <translation>本机（本地数据库，中转服务在本机运行）</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="194"/>
        <source>A RelayDesk deployment on PostgreSQL</source>
        <translation>基于 PostgreSQL 的 RelayDesk 部署</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="206"/>
        <source>Let other computers on the LAN use the relay</source>
        <translation>允许局域网内的其他计算机使用中转服务</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="216"/>
        <source>Admin password:</source>
        <translation>管理员密码：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="217"/>
        <source>Repeat password:</source>
        <translation>确认密码：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="219"/>
        <source>Relay port:</source>
        <translation>中转端口：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="221"/>
        <source>Currency:</source>
        <translation>货币：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="224"/>
        <source>This window then manages the deployment&apos;s users, balances, providers and logs; no relay runs on this computer. Its administrator password is asked next.</source>
        <translation>此窗口随后将管理该部署的用户、余额、服务商和日志；本机不运行中转服务。接下来会要求输入其管理员密码。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="258"/>
        <source>The password needs at least 8 characters.</source>
        <translation>密码至少需要 8 个字符。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="260"/>
        <source>The password is longer than 72 bytes.</source>
        <translation>密码不能超过 72 字节。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="262"/>
        <source>The passwords do not match.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="265"/>
        <source>Port {port} is already used by another program on this computer; choose another.</source>
        <translation>端口 {port} 已被本机上的其他程序占用，请换一个。</translation>
    </message>
</context>
<context>
    <name>GenerateCodesDialog</name>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="40"/>
        <source>Generate redemption codes</source>
        <translation>生成兑换码</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="46"/>
        <source>each, for example 10 or 12.50</source>
        <translation>每个兑换码的金额，例如 10 或 12.50</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="50"/>
        <source>optional: what they are for</source>
        <translation>可选：兑换码的用途</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="52"/>
        <source>&amp;Count:</source>
        <translation>数量(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="53"/>
        <source>&amp;Amount:</source>
        <translation>金额(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="54"/>
        <source>Expiry:</source>
        <translation>有效期：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="55"/>
        <source>&amp;Note:</source>
        <translation>备注(&amp;N)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/codes.py" line="57"/>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
</context>
<context>
    <name>GroupEditDialog</name>
    <message>
        <location filename="../../gui/dialogs/group_edit.py" line="30"/>
        <source>Edit group</source>
        <translation>编辑分组</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/group_edit.py" line="30"/>
        <source>Add group</source>
        <translation>添加分组</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/group_edit.py" line="33"/>
        <source>letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;</source>
        <translation>字母、数字、“.”、“_”或“-”</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/group_edit.py" line="36"/>
        <source>e.g. 0.8 or 1.25</source>
        <translation>例如 0.8 或 1.25</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/group_edit.py" line="38"/>
        <source>empty: every priced model</source>
        <translation>留空：所有已定价模型</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/group_edit.py" line="40"/>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/group_edit.py" line="41"/>
        <source>Users in this group pay the model&apos;s price times the multiplier (0.8 is 20% off, 1.25 is 25% more, 0 is free). Models: comma-separated names its users may use.</source>
        <translation>该分组的用户按模型价格乘以倍率付费（0.8 为八折，1.25 为加价 25%，0 为免费）。模型：该分组用户可使用的模型名称，以逗号分隔。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/group_edit.py" line="47"/>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/group_edit.py" line="48"/>
        <source>&amp;Multiplier:</source>
        <translation>倍率(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/group_edit.py" line="49"/>
        <source>M&amp;odels:</source>
        <translation>模型(&amp;O)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/group_edit.py" line="50"/>
        <source>&amp;Description:</source>
        <translation>说明(&amp;D)：</translation>
    </message>
</context>
<context>
    <name>GroupsPage</name>
    <message>
        <location filename="../../gui/pages/groups.py" line="42"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="43"/>
        <source>Multiplier</source>
        <translation>倍率</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="45"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="46"/>
        <source>All priced models</source>
        <translation>所有已定价模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="48"/>
        <source>Users</source>
        <translation>用户数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="50"/>
        <source>Description</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="60"/>
        <source>Every user belongs to one group; new users join &quot;default&quot;. A request costs the model&apos;s price times the user&apos;s group&apos;s multiplier, and a group with a model list may use only those models. Changes apply to the next request.</source>
        <translation>每个用户属于一个分组；新用户加入“default”分组。请求费用为模型价格乘以用户所在分组的倍率；设置了模型列表的分组只能使用这些模型。更改对下一个请求生效。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="65"/>
        <source>&amp;Add…</source>
        <translation>添加(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="65"/>
        <source>Add a group</source>
        <translation>添加分组</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="68"/>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="68"/>
        <source>Change the selected group</source>
        <translation>修改所选分组</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="71"/>
        <source>&amp;Remove…</source>
        <translation>删除(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="71"/>
        <source>Remove the selected group</source>
        <translation>删除所选分组</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="73"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="73"/>
        <source>Reload the groups</source>
        <translation>重新加载分组</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="87"/>
        <source>Groups</source>
        <translation>分组</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="160"/>
        <location filename="../../gui/pages/groups.py" line="168"/>
        <source>Remove group</source>
        <translation>删除分组</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="161"/>
        <source>Remove the group {group}?</source>
        <translation>确定要删除分组 {group} 吗？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="162"/>
        <source>Only a group without users can be removed; move its users to another group first.</source>
        <translation>只能删除没有用户的分组；请先将其用户移到其他分组。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/groups.py" line="163"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>InviteCodeDialog</name>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="77"/>
        <source>Invite created</source>
        <translation>邀请已创建</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="78"/>
        <source>Copy this code now and give it to the person you invite. It will not be shown again.</source>
        <translation>请现在复制此邀请码并交给你邀请的人。它不会再次显示。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="88"/>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="93"/>
        <source>Copied to the clipboard.</source>
        <translation>已复制到剪贴板。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="96"/>
        <source>I have copied the code</source>
        <translation>我已复制邀请码</translation>
    </message>
</context>
<context>
    <name>InviteDialog</name>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="52"/>
        <source>New invite</source>
        <translation>新建邀请</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="52"/>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="56"/>
        <source>unlimited</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="60"/>
        <source>optional: who or what it is for</source>
        <translation>可选：给谁或用途</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="61"/>
        <source>&amp;Registrations:</source>
        <translation>可注册次数(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="62"/>
        <source>Expiry:</source>
        <translation>有效期：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="63"/>
        <source>&amp;Note:</source>
        <translation>备注(&amp;N)：</translation>
    </message>
</context>
<context>
    <name>KeyCreatedDialog</name>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="50"/>
        <source>API key created</source>
        <translation>API 密钥已创建</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="53"/>
        <source>&lt;b&gt;New key “{name}” for {user}&lt;/b&gt;</source>
        <translation>&lt;b&gt;{user} 的新密钥“{name}”&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="55"/>
        <source>Copy this key now and give it to the user. It will not be shown again: RelayDesk keeps only a fingerprint of it. If it is lost, revoke it and create a new one.</source>
        <translation>请立即复制此密钥并交给用户。密钥不会再次显示：RelayDesk 只保存它的指纹。如果丢失，请吊销后重新创建。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="67"/>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="68"/>
        <source>Copy the key to the clipboard</source>
        <translation>将密钥复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="73"/>
        <source>Copied to the clipboard.</source>
        <translation>已复制到剪贴板。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="81"/>
        <source>Clients use it as their OpenAI API key, with this base URL:</source>
        <translation>客户端将其作为 OpenAI API 密钥使用，Base URL 为：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="88"/>
        <source>HTTPS certificate (SHA-256): {pin}
Certificate file to hand out: {path}</source>
        <translation>HTTPS 证书（SHA-256）：{pin}
分发给客户端的证书文件：{path}</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="93"/>
        <source>Ready-to-paste settings for common clients:</source>
        <translation>常用客户端的配置（可直接粘贴）：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="100"/>
        <source>I have copied the key</source>
        <translation>我已复制密钥</translation>
    </message>
</context>
<context>
    <name>KeyFormDialog</name>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="121"/>
        <source>New API key for {user}</source>
        <translation>为 {user} 新建 API 密钥</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="123"/>
        <source>Limits of key “{name}”</source>
        <translation>密钥“{name}”的限制</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="127"/>
        <source>any priced model</source>
        <translation>任意已定价的模型</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="129"/>
        <source>Add model</source>
        <translation>添加模型</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="130"/>
        <source>Pick one of the models that have a price</source>
        <translation>从已定价的模型中选择</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="137"/>
        <source>any address

for example:
192.168.1.0/24
10.0.0.7</source>
        <translation>任意地址

例如：
192.168.1.0/24
10.0.0.7</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="141"/>
        <source>Expires after</source>
        <translation>截至</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="162"/>
        <source>Leave models or addresses empty to allow any. A key works until the end of its expiry day (UTC). Leave a rate limit empty to follow the default in Settings; 0 means unlimited.</source>
        <translation>模型或地址留空表示不限。密钥在到期日当天结束前（UTC）有效。速率限制留空则使用“设置”中的默认值；0 表示不限。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="172"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="173"/>
        <source>Allowed models:</source>
        <translation>允许的模型：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="174"/>
        <source>Allowed addresses:</source>
        <translation>允许的地址：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="175"/>
        <source>Expiry:</source>
        <translation>有效期：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="176"/>
        <source>Requests per minute:</source>
        <translation>每分钟请求数：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="177"/>
        <source>Tokens per minute:</source>
        <translation>每分钟 token 数：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="178"/>
        <source>Concurrent requests:</source>
        <translation>并发请求数：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="181"/>
        <source>Create key</source>
        <translation>创建密钥</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="181"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="197"/>
        <source>default</source>
        <translation>默认</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../gui/dialogs/login.py" line="9"/>
        <source>RelayDesk — sign in</source>
        <translation>RelayDesk — 登录</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/login.py" line="12"/>
        <source>Admin password</source>
        <translation>管理员密码</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/login.py" line="21"/>
        <source>Enter the administrator password.</source>
        <translation>请输入管理员密码。</translation>
    </message>
    <message>
        <location filename="../../gui/main.py" line="197"/>
        <source>Wrong password.</source>
        <translation>密码错误。</translation>
    </message>
    <message>
        <location filename="../../gui/main.py" line="198"/>
        <source>Too many wrong passwords. Try again after {time} (UTC).</source>
        <translation>密码错误次数过多，请在 {time}（UTC）后重试。</translation>
    </message>
</context>
<context>
    <name>LogsModel</name>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="78"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="78"/>
        <source>Time (local)</source>
        <translation>时间（本地）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="79"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="79"/>
        <source>Provider</source>
        <translation>服务商</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="80"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="80"/>
        <source>Prompt</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="81"/>
        <source>Cached</source>
        <translation>缓存</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="81"/>
        <source>Completion</source>
        <translation>补全</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="82"/>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="82"/>
        <source>Total ms</source>
        <translation>总耗时 ms</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="83"/>
        <source>TTFB ms</source>
        <translation>首字节 ms</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="83"/>
        <source>IP</source>
        <translation>IP</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="84"/>
        <source>Stream</source>
        <translation>流式</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="84"/>
        <source>Estimated</source>
        <translation>估算</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="85"/>
        <source>Written off</source>
        <translation>核销</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="85"/>
        <source>Route</source>
        <translation>接口</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="109"/>
        <source>Prompt tokens</source>
        <translation>提示 Token 数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="109"/>
        <source>Cached prompt tokens</source>
        <translation>缓存命中的提示 Token 数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="110"/>
        <source>Completion tokens</source>
        <translation>补全 Token 数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="111"/>
        <source>Time to first byte, streamed requests only</source>
        <translation>首字节时间，仅限流式请求</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="112"/>
        <source>Token counts were estimated because the upstream did not report usage</source>
        <translation>上游未返回用量，Token 数为估算值</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="114"/>
        <source>What the provider reported beyond the request&apos;s hold: your loss, not charged to the user</source>
        <translation>服务商报告的超出本次请求预扣额的费用：由运营方承担，不向用户收取</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="116"/>
        <source>The API the client called, e.g. /v1/messages (Claude Code) or /v1/responses (Codex CLI); empty for requests logged before routes were recorded</source>
        <translation>客户端调用的接口，例如 /v1/messages（Claude Code）或 /v1/responses（Codex CLI）；记录接口之前的请求此处为空</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="292"/>
        <source>Request ID: {id}</source>
        <translation>请求 ID：{id}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="294"/>
        <source>Route: {route}</source>
        <translation>接口：{route}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="296"/>
        <source>Upstream model: {model}</source>
        <translation>上游模型：{model}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="298"/>
        <source>Error: {code}</source>
        <translation>错误：{code}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="300"/>
        <source>Failed over {n} time(s)</source>
        <translation>故障转移 {n} 次</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="303"/>
        <source>Cached prompt tokens: {n}</source>
        <translation>缓存的提示 token：{n}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="305"/>
        <source>Streamed</source>
        <translation>流式</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="307"/>
        <source>Token counts estimated</source>
        <translation>token 数为估算值</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="309"/>
        <source>Written off: {amount}</source>
        <translation>已核销：{amount}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="312"/>
        <source>Client: {agent}</source>
        <translation>客户端：{agent}</translation>
    </message>
</context>
<context>
    <name>LogsPage</name>
    <message>
        <location filename="../../gui/pages/logs.py" line="65"/>
        <source>New requests arrived. Scroll to the top to see them.</source>
        <translation>有新的请求。滚动到顶部即可查看。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="84"/>
        <source>Request logs</source>
        <translation>请求日志</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="89"/>
        <source>All users</source>
        <translation>全部用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="90"/>
        <source>All models</source>
        <translation>全部模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="92"/>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="92"/>
        <source>Successful</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="93"/>
        <source>Errors only</source>
        <translation>仅错误</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="96"/>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="98"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="100"/>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="101"/>
        <source>Show every request again</source>
        <translation>重新显示全部请求</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="104"/>
        <source>User:</source>
        <translation>用户：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="107"/>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="133"/>
        <source>Local days, like the Time column</source>
        <translation>本地日期，与“时间”列一致</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="306"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="308"/>
        <source>No requests have been relayed yet.</source>
        <translation>尚未中转任何请求。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="310"/>
        <source>No requests match these filters.</source>
        <translation>没有符合筛选条件的请求。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="312"/>
        <source>All {n} matching requests shown, newest first.</source>
        <translation>已显示全部 {n} 条匹配的请求，最新的在前。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="314"/>
        <source>{n} most recent requests shown. Scroll down to load older ones.</source>
        <translation>已显示最近的 {n} 条请求。向下滚动可加载更早的请求。</translation>
    </message>
</context>
<context>
    <name>MailPage</name>
    <message>
        <location filename="../../gui/pages/mail.py" line="82"/>
        <source>smtp.example.com (empty: no email is sent)</source>
        <translation>smtp.example.com（留空则不发送邮件）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="86"/>
        <source>STARTTLS (usually port 587)</source>
        <translation>STARTTLS（通常为端口 587）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="87"/>
        <source>SSL/TLS (usually port 465)</source>
        <translation>SSL/TLS（通常为端口 465）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="88"/>
        <source>None (unencrypted, usually port 25)</source>
        <translation>无（不加密，通常为端口 25）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="92"/>
        <source>empty: no login</source>
        <translation>留空则不登录</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="95"/>
        <source>Remove password</source>
        <translation>移除密码</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="102"/>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="108"/>
        <source>SMTP server:</source>
        <translation>SMTP 服务器：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="109"/>
        <source>Port:</source>
        <translation>端口：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="110"/>
        <source>Security:</source>
        <translation>加密方式：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="111"/>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="112"/>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="113"/>
        <source>Sender address:</source>
        <translation>发件人地址：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="120"/>
        <source>your@address</source>
        <translation>your@address</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="121"/>
        <source>Send &amp;test email</source>
        <translation>发送测试邮件(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="129"/>
        <source>Test:</source>
        <translation>测试：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="133"/>
        <source>Next try</source>
        <translation>下次尝试</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="135"/>
        <location filename="../../gui/pages/mail.py" line="150"/>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="136"/>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="138"/>
        <source>&amp;Retry</source>
        <translation>重试(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="139"/>
        <source>Send the selected failed email again</source>
        <translation>重新发送所选的失败邮件</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="149"/>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="151"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="152"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="152"/>
        <source>Reload the mail lists</source>
        <translation>重新加载邮件列表</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="155"/>
        <source>The running relay sends queued email within seconds and retries failures with growing pauses; the password is kept in the system keyring.</source>
        <translation>运行中的中转服务会在几秒内发送队列中的邮件，发送失败时按逐渐延长的间隔重试；密码保存在系统密钥环中。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="168"/>
        <source>Queued</source>
        <translation>入队时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="169"/>
        <source>To</source>
        <translation>收件人</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="170"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="171"/>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="172"/>
        <source>Tries</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="181"/>
        <source>Mail</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="193"/>
        <source>stored in the system keyring; type to replace</source>
        <translation>已保存在系统密钥环中；输入新密码即可替换</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="194"/>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="199"/>
        <source>Queue ({n})</source>
        <translation>队列（{n}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="201"/>
        <source>Sent ({n})</source>
        <translation>已发送（{n}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="202"/>
        <source>Failed ({n})</source>
        <translation>失败（{n}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="222"/>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="237"/>
        <source>Test email queued; waiting for the relay to send it…</source>
        <translation>测试邮件已加入队列，正在等待中转服务发送…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="250"/>
        <source>Test email sent to {to}.</source>
        <translation>测试邮件已发送至 {to}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="252"/>
        <source>Test email failed: {error}</source>
        <translation>测试邮件发送失败：{error}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="254"/>
        <source>Attempt {n} failed: {error}; trying again later.</source>
        <translation>第 {n} 次尝试失败：{error}；稍后将重试。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/mail.py" line="257"/>
        <source>Not sent yet: is the relay running?</source>
        <translation>尚未发送：中转服务是否正在运行？</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../gui/main_window.py" line="94"/>
        <source>RelayDesk — {where}</source>
        <translation>RelayDesk — {where}</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="95"/>
        <source>Managing deployment {where}</source>
        <translation>正在管理部署 {where}</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="98"/>
        <source>This window manages a deployment on PostgreSQL: its relays run on its servers (relaydesk serve), none on this computer.</source>
        <translation>此窗口管理一个基于 PostgreSQL 的部署：其中转服务运行在它的服务器上（relaydesk serve），本机不运行。</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="100"/>
        <source>A deployment&apos;s database is backed up on its server, with pg_dump; RelayDesk backs up only this computer&apos;s database.</source>
        <translation>部署的数据库在其服务器上用 pg_dump 备份；RelayDesk 只备份本机的数据库。</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="112"/>
        <location filename="../../gui/main_window.py" line="146"/>
        <source>Relay stopped</source>
        <translation>中转服务已停止</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="115"/>
        <source>Copy URL</source>
        <translation>复制地址</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="116"/>
        <source>Copy the base URL clients should use</source>
        <translation>复制客户端应使用的 Base URL</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="119"/>
        <source>0 requests/min</source>
        <translation>0 个请求/分钟</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="129"/>
        <source>Copied {url}</source>
        <translation>已复制 {url}</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="136"/>
        <source>Relay running</source>
        <translation>中转服务运行中</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="141"/>
        <source>Relay starting…</source>
        <translation>中转服务正在启动…</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="143"/>
        <source>Relay not running: {why}</source>
        <translation>中转服务未运行：{why}</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="153"/>
        <source>{n} requests/min, {m} in flight</source>
        <translation>{n} 个请求/分钟，{m} 个处理中</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="168"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="169"/>
        <source>&amp;Export user data…</source>
        <translation>导出用户数据(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="172"/>
        <source>&amp;Backup now…</source>
        <translation>立即备份(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="174"/>
        <source>Export anonymized &amp;statistics…</source>
        <translation>导出匿名统计(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="179"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="181"/>
        <source>&amp;Relay</source>
        <translation>中转(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="184"/>
        <source>&amp;Start relay</source>
        <translation>启动中转服务(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="185"/>
        <source>S&amp;top relay</source>
        <translation>停止中转服务(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="186"/>
        <source>&amp;Restart relay</source>
        <translation>重启中转服务(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="191"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="192"/>
        <source>&amp;About RelayDesk</source>
        <translation>关于 RelayDesk(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="193"/>
        <source>Open &amp;data folder</source>
        <translation>打开数据文件夹(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="194"/>
        <source>&amp;Privacy policy</source>
        <translation>隐私政策(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="233"/>
        <source>Save anonymized statistics as</source>
        <translation>匿名统计另存为</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="237"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="249"/>
        <source>Wrote {n} rows of anonymized statistics to {path}</source>
        <translation>已将 {n} 行匿名统计写入 {path}</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="255"/>
        <source>About RelayDesk</source>
        <translation>关于 RelayDesk</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="256"/>
        <source>&lt;b&gt;RelayDesk {version}&lt;/b&gt;&lt;p&gt;An all-in-one AI API relay for your LAN: per-user keys, balances, exact metering and request logs.&lt;/p&gt;</source>
        <translation>&lt;b&gt;RelayDesk {version}&lt;/b&gt;&lt;p&gt;面向局域网的一站式 AI API 中转服务：按用户分配密钥、余额管理、精确计量和请求日志。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="278"/>
        <source>Show RelayDesk</source>
        <translation>显示 RelayDesk</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="280"/>
        <source>Quit RelayDesk</source>
        <translation>退出 RelayDesk</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="317"/>
        <source>RelayDesk keeps serving the LAN from the tray. Choose Quit RelayDesk there (or File → Quit) to stop the relay.</source>
        <translation>RelayDesk 在托盘中继续为局域网提供服务。要停止中转服务，请在托盘中选择“退出 RelayDesk”（或“文件 → 退出”）。</translation>
    </message>
</context>
<context>
    <name>ModelPickerDialog</name>
    <message>
        <location filename="../../gui/dialogs/model_picker.py" line="29"/>
        <source>Models of {name}</source>
        <translation>{name} 的模型</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/model_picker.py" line="30"/>
        <source>Choose models</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/model_picker.py" line="33"/>
        <source>Filter, e.g. chat</source>
        <translation>筛选，例如 chat</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/model_picker.py" line="45"/>
        <source>Check shown</source>
        <translation>勾选显示项</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/model_picker.py" line="47"/>
        <source>Uncheck shown</source>
        <translation>取消勾选显示项</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/model_picker.py" line="88"/>
        <source>{checked} of {total} checked</source>
        <translation>已勾选 {checked} / {total}</translation>
    </message>
</context>
<context>
    <name>OrderRefundDialog</name>
    <message>
        <location filename="../../gui/dialogs/payments.py" line="16"/>
        <source>RelayDesk cannot send money back: after refunding here, refund the payment in the gateway&apos;s own console too.</source>
        <translation>RelayDesk 无法自动退回款项：在此退款后，还需在支付网关自己的后台中退款。</translation>
    </message>
</context>
<context>
    <name>PaymentsPage</name>
    <message>
        <location filename="../../gui/pages/payments.py" line="128"/>
        <source>Epay</source>
        <translation>易支付</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="128"/>
        <source>Merchant id (pid):</source>
        <translation>商户号（pid）：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="129"/>
        <source>Merchant key:</source>
        <translation>商户密钥：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="130"/>
        <source>HupiJiao</source>
        <translation>虎皮椒</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="130"/>
        <source>Appid:</source>
        <translation>Appid：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="131"/>
        <source>Appsecret:</source>
        <translation>Appsecret：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="136"/>
        <source>empty: orders are confirmed by asking the gateway</source>
        <translation>留空则通过向网关查询来确认订单</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="140"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="141"/>
        <source>&amp;Save payment settings</source>
        <translation>保存支付设置(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="145"/>
        <source>Public base URL:</source>
        <translation>公开基础 URL：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="146"/>
        <source>Unpaid orders expire after:</source>
        <translation>未支付订单过期时间：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="155"/>
        <source>Order</source>
        <translation>订单号</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="156"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="157"/>
        <source>Gateway</source>
        <translation>网关</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="158"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="160"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="161"/>
        <source>Trade number</source>
        <translation>交易号</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="162"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="163"/>
        <location filename="../../gui/pages/payments.py" line="198"/>
        <source>Paid</source>
        <translation>已支付</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="164"/>
        <location filename="../../gui/pages/payments.py" line="200"/>
        <source>Refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="170"/>
        <source>All orders</source>
        <translation>全部订单</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="174"/>
        <source>Re&amp;fund…</source>
        <translation>退款(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="176"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="176"/>
        <source>Reload the orders</source>
        <translation>重新加载订单</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="179"/>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="195"/>
        <source>Payments</source>
        <translation>在线支付</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="198"/>
        <source>Pending</source>
        <translation>待支付</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="199"/>
        <source>Expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="199"/>
        <source>Partly refunded</source>
        <translation>部分退款</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="237"/>
        <source>Payment settings</source>
        <translation>支付设置</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="239"/>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="245"/>
        <source>Asking the gateway…</source>
        <translation>正在查询网关…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="268"/>
        <source>Refund amount</source>
        <translation>退款金额</translation>
    </message>
</context>
<context>
    <name>PortalPage</name>
    <message>
        <location filename="../../gui/pages/portal.py" line="76"/>
        <source>the relay is not running</source>
        <translation>中转服务未运行</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="77"/>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="78"/>
        <source>Copy the portal&apos;s address to the clipboard</source>
        <translation>将门户地址复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="84"/>
        <source>Closed: only you create accounts</source>
        <translation>关闭：只有你能创建账号</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="85"/>
        <source>With an invite code</source>
        <translation>凭邀请码注册</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="86"/>
        <source>Open to anyone who can reach the relay</source>
        <translation>开放：能访问中转站的任何人都可注册</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="95"/>
        <source>Portal address:</source>
        <translation>门户地址：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="96"/>
        <source>Registration:</source>
        <translation>注册方式：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="98"/>
        <source>People who use the relay open this address in a browser to register, manage their keys, see their usage and exercise their privacy rights.</source>
        <translation>使用中转站的人在浏览器中打开此地址，即可注册、管理密钥、查看用量并行使隐私权利。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="103"/>
        <source>Invites</source>
        <translation>邀请码</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="104"/>
        <source>Deletion requests</source>
        <translation>删除申请</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="105"/>
        <source>Announcements</source>
        <translation>公告</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="106"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="106"/>
        <source>Reload the portal&apos;s lists</source>
        <translation>重新加载门户的列表</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="135"/>
        <source>Code</source>
        <translation>邀请码</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="136"/>
        <source>Used</source>
        <translation>已用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="138"/>
        <source>Allowed</source>
        <translation>允许</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="139"/>
        <source>unlimited</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="141"/>
        <source>Expires</source>
        <translation>到期</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="143"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="145"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="150"/>
        <source>&amp;New invite…</source>
        <translation>新建邀请(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="150"/>
        <source>Create an invite code</source>
        <translation>创建邀请码</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="152"/>
        <source>Re&amp;voke…</source>
        <translation>吊销(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="155"/>
        <source>Codes that still work. With registration by invite, each registration uses one.</source>
        <translation>仍然有效的邀请码。凭邀请码注册时，每次注册用掉一次。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="160"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="161"/>
        <source>Email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="162"/>
        <source>Requested</source>
        <translation>申请时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="167"/>
        <source>&amp;Approve…</source>
        <translation>批准(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="169"/>
        <source>&amp;Reject…</source>
        <translation>拒绝(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="172"/>
        <source>Users who asked on the portal for their account to be deleted. Approving deletes it at once; rejecting keeps it and shows them your reason.</source>
        <translation>在门户上申请删除账号的用户。批准会立即删除账号；拒绝则保留账号，并向用户显示你的理由。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="178"/>
        <source>Posted</source>
        <translation>发布时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="179"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="180"/>
        <source>Text</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="185"/>
        <source>&amp;Post…</source>
        <translation>发布(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="187"/>
        <source>&amp;Delete…</source>
        <translation>删除(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="190"/>
        <source>Shown on every portal user&apos;s home page, newest first.</source>
        <translation>显示在每位门户用户的首页上，最新的在前。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="193"/>
        <source>Portal</source>
        <translation>门户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="244"/>
        <source>Registration</source>
        <translation>注册方式</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="285"/>
        <source>Revoke invite</source>
        <translation>吊销邀请码</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="286"/>
        <source>Revoke the invite {code}?</source>
        <translation>吊销邀请码 {code}？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="287"/>
        <source>Nobody can register with it any more. Accounts already made with it stay.</source>
        <translation>此后无人能再用它注册。已用它创建的账号不受影响。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="288"/>
        <source>Revoke</source>
        <translation>吊销</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="297"/>
        <location filename="../../gui/pages/portal.py" line="301"/>
        <location filename="../../gui/pages/portal.py" line="306"/>
        <source>Delete account</source>
        <translation>删除账号</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="298"/>
        <source>Delete the account of {user} now?</source>
        <translation>现在删除 {user} 的账号？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="299"/>
        <source>Their profile, keys and sign-in history are erased; request logs and payments are kept without their name. This cannot be undone.</source>
        <translation>其资料、密钥和登录记录会被清除；请求日志和支付记录去除姓名后保留。此操作无法撤销。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="330"/>
        <source>Delete announcement</source>
        <translation>删除公告</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="331"/>
        <source>Delete the announcement “{title}”?</source>
        <translation>删除公告“{title}”？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="332"/>
        <source>Portal users no longer see it.</source>
        <translation>门户用户将不再看到它。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/portal.py" line="332"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>PriceEditDialog</name>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="29"/>
        <source>Edit price</source>
        <translation>编辑价格</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="29"/>
        <source>Add price</source>
        <translation>添加价格</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="32"/>
        <source>required: the model name clients send, e.g. deepseek-chat</source>
        <translation>必填：客户端发送的模型名称，例如 deepseek-chat</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="36"/>
        <location filename="../../gui/dialogs/price_edit.py" line="40"/>
        <source>required, 0 for free</source>
        <translation>必填，0 表示免费</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="38"/>
        <source>empty: same as input</source>
        <translation>留空则与输入价格相同</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="44"/>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="47"/>
        <source>The most completion tokens one request may cost; sent to the provider when the client names no limit. Default: the default max tokens setting.</source>
        <translation>单次请求最多可计费的补全令牌数；客户端未指定上限时发送给服务商。默认：使用“默认最大令牌数”设置。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="52"/>
        <source>Prices are in {currency} per 1,000,000 tokens. Cached input is what a prompt token costs when the provider reports it as cached.</source>
        <translation>价格单位为 {currency}/百万 Token。缓存输入价格适用于服务商报告为缓存命中的提示 Token。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="57"/>
        <source>{currency} / 1M tokens</source>
        <translation>{currency}/百万 Token</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="59"/>
        <source>&amp;Model:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="60"/>
        <source>&amp;Input:</source>
        <translation>输入(&amp;I)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="61"/>
        <source>&amp;Cached input:</source>
        <translation>缓存输入(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="62"/>
        <source>&amp;Output:</source>
        <translation>输出(&amp;O)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="63"/>
        <source>Max output &amp;tokens:</source>
        <translation>最大输出令牌数(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>PricesPage</name>
    <message>
        <location filename="../../gui/pages/prices.py" line="42"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="43"/>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="45"/>
        <source>Cached input</source>
        <translation>缓存输入</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="47"/>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="49"/>
        <source>Max output tokens</source>
        <translation>最大输出令牌数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="51"/>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="53"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="66"/>
        <source>&amp;Add…</source>
        <translation>添加(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="66"/>
        <source>Price a new model</source>
        <translation>为新模型定价</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="69"/>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="69"/>
        <source>Change the selected price</source>
        <translation>修改所选价格</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="72"/>
        <source>&amp;Remove…</source>
        <translation>删除(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="72"/>
        <source>Stop pricing the selected model</source>
        <translation>取消所选模型的定价</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="74"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="74"/>
        <source>Reload the prices</source>
        <translation>重新加载价格</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="88"/>
        <source>Prices</source>
        <translation>价格</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="95"/>
        <source>{column} ({currency})</source>
        <translation>{column}（{currency}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="101"/>
        <source>Prices are in {currency} per 1,000,000 tokens. Users are charged for the tokens each request used: cached prompt tokens at the cached-input price, the rest of the prompt at the input price, the completion at the output price. Models without a price cannot be used through the relay.</source>
        <translation>价格单位为 {currency}/百万 Token。每个请求按实际用量向用户计费：缓存命中的提示 Token 按缓存输入价格，其余提示 Token 按输入价格，补全 Token 按输出价格。未定价的模型无法通过中转服务使用。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="158"/>
        <source>Remove price</source>
        <translation>删除价格</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="159"/>
        <source>Remove the price of {model}?</source>
        <translation>确定要删除 {model} 的价格吗？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="160"/>
        <source>Requests for this model will be refused until it is priced again.</source>
        <translation>重新定价之前，对该模型的请求将被拒绝。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="161"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>PrivacyDialog</name>
    <message>
        <location filename="../../gui/dialogs/privacy.py" line="12"/>
        <source>Privacy policy</source>
        <translation>隐私政策</translation>
    </message>
</context>
<context>
    <name>ProviderEditDialog</name>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="70"/>
        <source>Add provider</source>
        <translation>添加服务商</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="71"/>
        <source>Edit provider {name}</source>
        <translation>编辑服务商 {name}</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="75"/>
        <source>required, e.g. deepseek-main</source>
        <translation>必填，例如 deepseek-main</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="82"/>
        <source>Empty: Claude Code requests are translated to Chat Completions</source>
        <translation>留空：Claude Code 的请求将转换为 Chat Completions 格式</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="84"/>
        <source>Where the provider serves the Anthropic Messages API. Claude Code requests pass through here unchanged; empty: they are translated to Chat Completions and sent to the base URL.</source>
        <translation>服务商提供 Anthropic Messages API 的地址。Claude Code 的请求将原样转发到此处；留空：请求转换为 Chat Completions 格式后发往基础 URL。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="87"/>
        <source>Serves the Responses API natively</source>
        <translation>原生支持 Responses API</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="89"/>
        <source>Codex CLI requests (/v1/responses) pass through to the base URL unchanged; unchecked: they are translated to Chat Completions.</source>
        <translation>Codex CLI 的请求（/v1/responses）将原样转发到基础 URL；不勾选：请求转换为 Chat Completions 格式。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="92"/>
        <source>required, comma-separated, e.g. deepseek-chat, deepseek-reasoner</source>
        <translation>必填，以逗号分隔，例如 deepseek-chat, deepseek-reasoner</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="94"/>
        <location filename="../../gui/dialogs/provider_edit.py" line="359"/>
        <source>Fetch models</source>
        <translation>获取模型</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="95"/>
        <source>Ask the provider for the models it offers, with the base URL, key and proxy above, and pick.</source>
        <translation>使用上面的基础 URL、密钥和代理向服务商查询其提供的模型，然后选择。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="107"/>
        <source>Higher priority providers are tried first.</source>
        <translation>优先级高的服务商会被优先使用。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="111"/>
        <source>Share of traffic among providers of equal priority.</source>
        <translation>同一优先级的服务商之间的流量分配比例。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="112"/>
        <source>Send requests to this provider</source>
        <translation>向此服务商转发请求</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="117"/>
        <source>The key is kept in the operating system&apos;s keyring, never in the database, and is never shown again.</source>
        <translation>密钥保存在操作系统的密钥环中，不会写入数据库，也不会再次显示。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="123"/>
        <source>Model clients ask for</source>
        <translation>客户端请求的模型</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="124"/>
        <source>Model sent upstream</source>
        <translation>发往上游的模型</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="128"/>
        <source>Optional: let clients ask for a model under another name; the relay sends the upstream name instead.</source>
        <translation>可选：允许客户端用别名请求模型，中转服务转发时改用上游名称。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="132"/>
        <source>Add mapping</source>
        <translation>添加映射</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="134"/>
        <source>Remove mapping</source>
        <translation>删除映射</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="146"/>
        <source>None (direct)</source>
        <translation>无（直连）</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="147"/>
        <source>System proxy</source>
        <translation>系统代理</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="148"/>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="150"/>
        <source>System proxy: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY from the relay&apos;s environment.</source>
        <translation>系统代理：使用中转服务运行环境中的 HTTP_PROXY、HTTPS_PROXY、ALL_PROXY 和 NO_PROXY。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="155"/>
        <source>http, https, socks5 or socks5h. A password goes to the keyring and is shown back as ***; leave *** to keep it.</source>
        <translation>支持 http、https、socks5 或 socks5h。密码保存在系统密钥环中，回显为 ***；保留 *** 即沿用已保存的密码。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="162"/>
        <source>One per line, e.g. OpenAI-Organization: org-…</source>
        <translation>每行一个，例如 OpenAI-Organization: org-…</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="167"/>
        <source>Optional: a PEM file of extra trusted CA certificates</source>
        <translation>可选：额外信任的 CA 证书（PEM 文件）</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="169"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="178"/>
        <source>Weight:</source>
        <translation>权重：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="183"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="184"/>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="185"/>
        <source>Base URL:</source>
        <translation>Base URL：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="186"/>
        <source>Anthropic API base URL:</source>
        <translation>Anthropic API 基础 URL：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="188"/>
        <source>Models:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="190"/>
        <source>Model mapping:</source>
        <translation>模型映射：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="191"/>
        <source>Priority:</source>
        <translation>优先级：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="193"/>
        <source>API key:</source>
        <translation>API 密钥：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="195"/>
        <source>Proxy:</source>
        <translation>代理：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="196"/>
        <source>Extra headers:</source>
        <translation>附加请求头：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="197"/>
        <source>CA bundle:</source>
        <translation>CA 证书包：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="217"/>
        <source>Paste the provider&apos;s API key</source>
        <translation>粘贴服务商的 API 密钥</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="228"/>
        <source>A provider cannot be renamed; add a new one instead.</source>
        <translation>服务商不能重命名，请新建一个。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="240"/>
        <source>Key stored — leave empty to keep it</source>
        <translation>已保存密钥 — 留空则保持不变</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="241"/>
        <source>No key stored — paste the provider&apos;s API key</source>
        <translation>未保存密钥 — 请粘贴服务商的 API 密钥</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="253"/>
        <source>CA bundle</source>
        <translation>CA 证书包</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="254"/>
        <source>PEM certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>PEM 证书 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="344"/>
        <source>Fetching…</source>
        <translation>正在获取…</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="345"/>
        <source>Asking the provider for its models…</source>
        <translation>正在向服务商查询模型…</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="355"/>
        <source>Could not fetch the model list: {why}</source>
        <translation>无法获取模型列表：{why}</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="362"/>
        <source>The provider listed no models; type their names.</source>
        <translation>服务商未列出任何模型；请手动输入模型名称。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="365"/>
        <source>The provider lists {count} models.</source>
        <translation>服务商列出了 {count} 个模型。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="403"/>
        <source>{why}
You can also clear the API key field and save the provider without a key for now.</source>
        <translation>{why}
也可以先清空 API 密钥一栏，暂不带密钥保存该服务商。</translation>
    </message>
</context>
<context>
    <name>ProvidersModel</name>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="97"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="97"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="98"/>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="98"/>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="99"/>
        <source>Health</source>
        <translation>健康状态</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="99"/>
        <source>Failures</source>
        <translation>失败次数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="100"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="100"/>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="101"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="101"/>
        <source>Mapping</source>
        <translation>映射</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="102"/>
        <source>Last test</source>
        <translation>最近测试</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="102"/>
        <source>Cool-down until</source>
        <translation>冷却至</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="103"/>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="103"/>
        <source>Base URL</source>
        <translation>Base URL</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="104"/>
        <source>Proxy</source>
        <translation>代理</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="161"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="161"/>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="163"/>
        <source>Stored</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="163"/>
        <source>Missing</source>
        <translation>未设置</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="166"/>
        <source>Cooling down ({seconds} s left)</source>
        <translation>冷却中（剩余 {seconds} 秒）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="168"/>
        <source>Healthy</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="168"/>
        <source>Cooling down</source>
        <translation>冷却中</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="169"/>
        <source>Not used yet</source>
        <translation>尚未使用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="188"/>
        <source>Anthropic Messages passed through to {url}</source>
        <translation>Anthropic Messages 原样转发至 {url}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="190"/>
        <source>Anthropic Messages translated to Chat Completions</source>
        <translation>Anthropic Messages 转换为 Chat Completions</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="191"/>
        <source>Responses passed through</source>
        <translation>Responses 原样转发</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="192"/>
        <source>Responses translated to Chat Completions</source>
        <translation>Responses 转换为 Chat Completions</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="199"/>
        <source>extra headers: {names}</source>
        <translation>附加请求头：{names}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="202"/>
        <source>CA bundle: {path}</source>
        <translation>CA 证书包：{path}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="207"/>
        <source>Direct</source>
        <translation>直连</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="209"/>
        <source>System proxy</source>
        <translation>系统代理</translation>
    </message>
</context>
<context>
    <name>ProvidersPage</name>
    <message>
        <location filename="../../gui/pages/providers.py" line="56"/>
        <source>Upstream AI services the relay forwards to. Higher priority is tried first; equal priorities share traffic by weight. API keys stay in the system keyring.</source>
        <translation>中转服务转发请求的上游 AI 服务。优先级高的先使用；优先级相同时按权重分配流量。API 密钥保存在系统密钥环中。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="80"/>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="82"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="84"/>
        <source>Enter or double-click a row</source>
        <translation>按 Enter 或双击一行</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="85"/>
        <location filename="../../gui/pages/providers.py" line="202"/>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="87"/>
        <source>Remove…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="89"/>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="91"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="112"/>
        <source>Selected provider</source>
        <translation>所选服务商</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="115"/>
        <source>Base URL:</source>
        <translation>Base URL：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="115"/>
        <source>Models:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="116"/>
        <source>Mapping:</source>
        <translation>映射：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="116"/>
        <source>Client APIs:</source>
        <translation>客户端 API：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="117"/>
        <source>Health:</source>
        <translation>健康状态：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="117"/>
        <source>Connection:</source>
        <translation>连接：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="118"/>
        <source>Last error:</source>
        <translation>最近错误：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="118"/>
        <source>Last test:</source>
        <translation>最近测试：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="135"/>
        <source>Providers</source>
        <translation>服务商</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="201"/>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="218"/>
        <source>Cooling down for {seconds} more seconds after {n} failures in a row (live from the running relay).</source>
        <translation>连续失败 {n} 次，还需冷却 {seconds} 秒（来自运行中的中转服务的实时状态）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="222"/>
        <source>Cooling down until {time} after {n} failures in a row.</source>
        <translation>连续失败 {n} 次，冷却至 {time}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="225"/>
        <source>Healthy, but the last {n} requests failed.</source>
        <translation>状态正常，但最近 {n} 个请求失败。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="226"/>
        <source>Healthy.</source>
        <translation>正常。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="227"/>
        <source>Not used yet: health is recorded once requests go through the relay.</source>
        <translation>尚未使用：有请求经中转服务转发后才会记录健康状态。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="238"/>
        <source>Provider {name} added.</source>
        <translation>已添加服务商 {name}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="251"/>
        <source>Provider {name} saved.</source>
        <translation>已保存服务商 {name}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="259"/>
        <source>Provider {name} disabled: the relay no longer uses it.</source>
        <translation>已停用服务商 {name}：中转服务不再使用它。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="260"/>
        <source>Provider {name} enabled.</source>
        <translation>已启用服务商 {name}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="269"/>
        <source>Remove provider</source>
        <translation>删除服务商</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="270"/>
        <source>Remove the provider {name}? Its stored API key is deleted from the keyring too. Request logs keep their history.</source>
        <translation>确定要删除服务商 {name} 吗？其保存的 API 密钥也会从密钥环中删除。请求日志中的历史记录将保留。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="280"/>
        <source>Provider {name} removed.</source>
        <translation>已删除服务商 {name}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="157"/>
        <location filename="../../gui/pages/providers.py" line="292"/>
        <source>Testing…</source>
        <translation>测试中…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="295"/>
        <source>Testing {name}…</source>
        <translation>正在测试 {name}…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="323"/>
        <source>OK, {ms} ms</source>
        <translation>正常，{ms} ms</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="309"/>
        <source>{name} answered in {ms} ms.</source>
        <translation>{name} 已响应，用时 {ms} ms。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="324"/>
        <source>Failed: {why}</source>
        <translation>失败：{why}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="312"/>
        <source>{name} failed the test: {why}</source>
        <translation>{name} 测试失败：{why}</translation>
    </message>
</context>
<context>
    <name>QWidget</name>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="49"/>
        <source>OpenAI or compatible</source>
        <translation>OpenAI 或兼容接口</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="55"/>
        <source>Something went wrong. The details were written to relaydesk.log in the data folder.</source>
        <translation>出现错误。详细信息已写入数据文件夹中的 relaydesk.log。</translation>
    </message>
</context>
<context>
    <name>RechargeDialog</name>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="27"/>
        <source>Manual</source>
        <translation>手动</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="28"/>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="29"/>
        <source>Bank transfer</source>
        <translation>银行转账</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="30"/>
        <source>Alipay</source>
        <translation>支付宝</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="31"/>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="32"/>
        <source>Epay</source>
        <translation>易支付</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="33"/>
        <source>HupiJiao</source>
        <translation>虎皮椒</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="34"/>
        <source>Redemption code</source>
        <translation>兑换码</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="71"/>
        <location filename="../../gui/dialogs/recharge.py" line="91"/>
        <source>Recharge</source>
        <translation>充值</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="78"/>
        <source>required, for example 100 or 12.50</source>
        <translation>必填，例如 100 或 12.50</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="84"/>
        <source>optional, for example the receipt number</source>
        <translation>可选，例如收据号</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="87"/>
        <source>&amp;User:</source>
        <translation>用户(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="88"/>
        <source>&amp;Amount:</source>
        <translation>金额(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="89"/>
        <source>&amp;Method:</source>
        <translation>支付方式(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="90"/>
        <source>&amp;Note:</source>
        <translation>备注(&amp;N)：</translation>
    </message>
</context>
<context>
    <name>RecordFilters</name>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="18"/>
        <source>Pending</source>
        <translation>待支付</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="19"/>
        <source>Paid</source>
        <translation>已支付</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="20"/>
        <source>Partly refunded</source>
        <translation>部分退款</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="21"/>
        <source>Refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="57"/>
        <source>All users</source>
        <translation>全部用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="59"/>
        <source>Any status</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="65"/>
        <source>All time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="65"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="65"/>
        <source>Last 7 days</source>
        <translation>近 7 天</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="66"/>
        <source>Last 30 days</source>
        <translation>近 30 天</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="66"/>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="66"/>
        <source>Custom range</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="76"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="79"/>
        <source>User:</source>
        <translation>用户：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="79"/>
        <source>Status:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances_filters.py" line="80"/>
        <source>Placed:</source>
        <translation>下单时间：</translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <location filename="../../gui/dialogs/refund.py" line="15"/>
        <location filename="../../gui/dialogs/refund.py" line="40"/>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/refund.py" line="20"/>
        <location filename="../../gui/dialogs/refund.py" line="36"/>
        <source>{amount} {currency}</source>
        <translation>{amount} {currency}</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/refund.py" line="23"/>
        <source>At most {remaining} {currency} can be refunded.</source>
        <translation>最多可退 {remaining} {currency}。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/refund.py" line="26"/>
        <source>optional, for example why the money went back</source>
        <translation>可选，例如退款原因</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/refund.py" line="27"/>
        <source>The refund is taken off {user}&apos;s balance and cannot be undone.</source>
        <translation>退款金额将从 {user} 的余额中扣除，且无法撤销。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/refund.py" line="32"/>
        <source>Order:</source>
        <translation>订单：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/refund.py" line="33"/>
        <source>User:</source>
        <translation>用户：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/refund.py" line="34"/>
        <source>Paid:</source>
        <translation>已付金额：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/refund.py" line="36"/>
        <source>Refunded before:</source>
        <translation>此前已退：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/refund.py" line="38"/>
        <source>Refund &amp;amount:</source>
        <translation>退款金额(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/refund.py" line="39"/>
        <source>&amp;Note:</source>
        <translation>备注(&amp;N)：</translation>
    </message>
</context>
<context>
    <name>RejectDialog</name>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="116"/>
        <source>Reject deletion request</source>
        <translation>拒绝删除申请</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="116"/>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="117"/>
        <source>Keep the account of {user}. They see this reason on their Privacy page.</source>
        <translation>保留 {user} 的账号。用户会在其“隐私”页面看到这个理由。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/portal.py" line="122"/>
        <source>&amp;Reason:</source>
        <translation>理由(&amp;R)：</translation>
    </message>
</context>
<context>
    <name>SecurityLabels</name>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="38"/>
        <source>Address banned</source>
        <translation>地址已封禁</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="39"/>
        <source>Ban lifted</source>
        <translation>已解除封禁</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="40"/>
        <source>Admin API access refused</source>
        <translation>管理 API 访问被拒绝</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="41"/>
        <source>Admin access from a new address</source>
        <translation>管理员从新地址访问</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="42"/>
        <source>Admin signed in</source>
        <translation>管理员已登录</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="43"/>
        <source>Admin sign-in failed</source>
        <translation>管理员登录失败</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="44"/>
        <source>Admin sign-in locked</source>
        <translation>管理员登录已锁定</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="45"/>
        <source>Admin password changed</source>
        <translation>管理员密码已更改</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="46"/>
        <source>Admin token created</source>
        <translation>已创建管理令牌</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="47"/>
        <source>Admin token revoked</source>
        <translation>已吊销管理令牌</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="48"/>
        <source>User deleted</source>
        <translation>用户已删除</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="49"/>
        <source>Consent withdrawn</source>
        <translation>已撤回同意</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="50"/>
        <source>Backup restored</source>
        <translation>已从备份恢复</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="51"/>
        <source>Security setting changed</source>
        <translation>安全设置已更改</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="58"/>
        <source>Admin IP whitelist</source>
        <translation>管理 IP 白名单</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="59"/>
        <source>Clients allowed to use the relay</source>
        <translation>允许使用中转服务的客户端</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="60"/>
        <source>Trusted reverse proxies</source>
        <translation>受信任的反向代理</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="61"/>
        <source>Failures before a ban</source>
        <translation>封禁前允许的失败次数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="62"/>
        <source>Period failures are counted in</source>
        <translation>失败次数统计时段</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="63"/>
        <source>Ban length</source>
        <translation>封禁时长</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="64"/>
        <source>HTTPS</source>
        <translation>HTTPS</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="65"/>
        <source>HTTPS certificate file</source>
        <translation>HTTPS 证书文件</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="66"/>
        <source>HTTPS private key file</source>
        <translation>HTTPS 私钥文件</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="72"/>
        <source>Invalid API keys</source>
        <translation>无效的 API 密钥</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="73"/>
        <source>Failed admin API sign-ins</source>
        <translation>管理 API 认证失败</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="74"/>
        <source>Failed sign-ins</source>
        <translation>登录失败</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="75"/>
        <source>Banned by the operator</source>
        <translation>由管理员封禁</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="79"/>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="80"/>
        <source>on</source>
        <translation>开启</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="81"/>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="86"/>
        <source>Active</source>
        <translation>有效</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="87"/>
        <source>Revoked</source>
        <translation>已吊销</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="101"/>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="103"/>
        <source>Relay (automatic)</source>
        <translation>中转服务（自动）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="105"/>
        <source>Admin token “{name}”</source>
        <translation>管理令牌“{name}”</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="119"/>
        <source>(empty list)</source>
        <translation>（空列表）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="124"/>
        <source>never ban</source>
        <translation>从不封禁</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="126"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="137"/>
        <source>{n} failures</source>
        <translation>失败 {n} 次</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="139"/>
        <source>for {n} minutes</source>
        <translation>封禁 {n} 分钟</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="143"/>
        <source>Now: {value}</source>
        <translation>现为：{value}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="145"/>
        <source>{n} failed attempts; locked until {time}</source>
        <translation>失败 {n} 次；锁定至 {time}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="148"/>
        <source>Token {prefix}</source>
        <translation>令牌 {prefix}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="150"/>
        <source>{keys} API keys deleted, {logs} request logs de-identified</source>
        <translation>已删除 {keys} 个 API 密钥，{logs} 条请求日志已去标识化</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="154"/>
        <source>{n} API keys revoked</source>
        <translation>已吊销 {n} 个 API 密钥</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security_labels.py" line="157"/>
        <source>The replaced database was kept as {name}</source>
        <translation>被替换的数据库已另存为 {name}</translation>
    </message>
</context>
<context>
    <name>SecurityPage</name>
    <message>
        <location filename="../../gui/pages/security.py" line="107"/>
        <location filename="../../gui/pages/security.py" line="127"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="107"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="107"/>
        <source>Failures</source>
        <translation>失败次数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="107"/>
        <source>Banned since</source>
        <translation>封禁开始</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="108"/>
        <source>Banned until</source>
        <translation>封禁结束</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="112"/>
        <source>&amp;Unban…</source>
        <translation>解除封禁(&amp;U)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="113"/>
        <source>Accept requests from this address again (Delete)</source>
        <translation>重新接受来自此地址的请求（Delete）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="116"/>
        <source>No address is banned. An address that keeps sending invalid API keys or failing to sign in is banned for a while; see Abuse protection on the Settings page.</source>
        <translation>没有被封禁的地址。反复发送无效 API 密钥或登录失败的地址会被暂时封禁；请参阅“设置”页面的“防滥用”。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="119"/>
        <source>Addresses refused for now after repeated failed authentication. A ban ends by itself at its end time.</source>
        <translation>因多次认证失败而被暂时拒绝的地址。封禁到结束时间后自动解除。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="126"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="126"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="126"/>
        <source>By</source>
        <translation>操作者</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="126"/>
        <source>Concerning</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="127"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="129"/>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="134"/>
        <source>No security events yet. Bans, admin sign-ins, admin access from new addresses, whitelist changes and deletions are listed here.</source>
        <translation>还没有安全事件。封禁、管理员登录、管理员从新地址访问、白名单更改和删除操作都会列在这里。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="137"/>
        <source>The latest {n} security events of the audit log, newest first.</source>
        <translation>审计日志中最近的 {n} 条安全事件，最新的在前。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="143"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="143"/>
        <source>Token</source>
        <translation>令牌</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="143"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="143"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="144"/>
        <source>Last used</source>
        <translation>最近使用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="144"/>
        <source>Last address</source>
        <translation>最近地址</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="148"/>
        <source>&amp;New token…</source>
        <translation>新建令牌(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="149"/>
        <source>Issue a token for the admin API (Ctrl+N)</source>
        <translation>为管理 API 签发令牌（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="151"/>
        <source>Re&amp;voke…</source>
        <translation>吊销(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="152"/>
        <source>Stop this token from working, for good (Delete)</source>
        <translation>永久停用此令牌（Delete）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="155"/>
        <source>No admin tokens. Create one to let a program manage RelayDesk through the admin API.</source>
        <translation>没有管理令牌。创建令牌后，程序即可通过管理 API 管理 RelayDesk。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="158"/>
        <source>Tokens for the remote admin API. They work only from addresses in the admin IP whitelist; only a fingerprint of each is stored.</source>
        <translation>用于远程管理 API 的令牌。仅在管理 IP 白名单内的地址可用；每个令牌只保存其指纹。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="165"/>
        <source>Security events</source>
        <translation>安全事件</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="166"/>
        <source>Admin tokens</source>
        <translation>管理令牌</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="178"/>
        <source>Security</source>
        <translation>安全</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="245"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="252"/>
        <source>Active bans ({n})</source>
        <translation>当前封禁（{n}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="253"/>
        <source>Active bans</source>
        <translation>当前封禁</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="291"/>
        <source>Unban address</source>
        <translation>解除地址封禁</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="291"/>
        <source>Lift the ban on {ip}?</source>
        <translation>确定要解除对 {ip} 的封禁吗？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="292"/>
        <source>Requests from this address are accepted again at once. If it keeps failing to authenticate, it is banned again.</source>
        <translation>来自此地址的请求将立即重新被接受。如果它继续认证失败，会再次被封禁。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="294"/>
        <source>Unban</source>
        <translation>解除封禁</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="306"/>
        <source>New admin token</source>
        <translation>新建管理令牌</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="307"/>
        <source>Name of the token, for example the program or person that will use it:</source>
        <translation>令牌名称，例如将使用它的程序或人员：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="309"/>
        <source>Create token</source>
        <translation>创建令牌</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="328"/>
        <source>Revoke admin token</source>
        <translation>吊销管理令牌</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="329"/>
        <source>Revoke the admin token “{name}” ({prefix})?</source>
        <translation>确定要吊销管理令牌“{name}”（{prefix}）吗？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="331"/>
        <source>Programs using this token are refused by the admin API from now on. A revoked token cannot be turned back on; create a new one instead.</source>
        <translation>从现在起，管理 API 将拒绝使用此令牌的程序。吊销的令牌无法恢复；如需要请新建一个。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/security.py" line="333"/>
        <source>Revoke token</source>
        <translation>吊销令牌</translation>
    </message>
</context>
<context>
    <name>SecuritySettings</name>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="78"/>
        <source>Network access</source>
        <translation>网络访问</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="79"/>
        <source>Clients allowed to use the relay</source>
        <translation>允许使用中转服务的客户端</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="80"/>
        <source>Only these addresses may call the relay&apos;s API. Leave the list empty to allow any address; API keys are required either way.</source>
        <translation>只有这些地址可以调用中转服务的 API。列表留空则允许任何地址；无论哪种情况都需要 API 密钥。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="83"/>
        <source>Trusted reverse proxies</source>
        <translation>受信任的反向代理</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="84"/>
        <source>Only if RelayDesk runs behind a reverse proxy: the client&apos;s address is taken from the X-Forwarded-For header sent by these addresses. Leave empty otherwise.</source>
        <translation>仅当 RelayDesk 部署在反向代理之后时填写：客户端地址取自这些地址发送的 X-Forwarded-For 请求头。否则请留空。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="90"/>
        <source>Unlimited</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="92"/>
        <source> requests/min</source>
        <translation> 次请求/分钟</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="93"/>
        <source> tokens/min</source>
        <translation> 个 token/分钟</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="94"/>
        <source> at once</source>
        <translation> 个并发</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="95"/>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="96"/>
        <source> failures</source>
        <translation> 次</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="96"/>
        <source>Never ban</source>
        <translation>从不封禁</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="97"/>
        <source> seconds</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="98"/>
        <source> minutes</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="101"/>
        <source>Requests per minute, per key:</source>
        <translation>每个密钥每分钟请求数：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="103"/>
        <source>Tokens per minute, per key:</source>
        <translation>每个密钥每分钟令牌数：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="105"/>
        <source>Concurrent requests per key:</source>
        <translation>每个密钥的并发请求：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="107"/>
        <source>Largest request:</source>
        <translation>最大请求体：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="108"/>
        <source>Limits</source>
        <translation>限制</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="109"/>
        <source>Defaults for API keys without limits of their own; a key&apos;s own limits are set in its API keys dialog. Larger requests are refused before they reach a provider.</source>
        <translation>适用于未单独设置限制的 API 密钥；单个密钥的限制在其“API 密钥”对话框中设置。超过大小的请求在到达服务商之前即被拒绝。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="114"/>
        <source>Ban an address after:</source>
        <translation>失败达到此次数即封禁：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="115"/>
        <source>Counted within:</source>
        <translation>统计时段：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="116"/>
        <source>Ban lasts:</source>
        <translation>封禁时长：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="117"/>
        <source>Abuse protection</source>
        <translation>防滥用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="118"/>
        <source>An address that sends this many invalid API keys or failed sign-ins within the period is refused until the ban ends. This computer is never banned. Running bans are listed, and can be lifted, on the Security page.</source>
        <translation>在统计时段内发送无效 API 密钥或登录失败达到此次数的地址，将被拒绝直至封禁结束。本机永远不会被封禁。当前的封禁列在“安全”页面上，可在那里解除。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="124"/>
        <source>Automatic (on when other computers can connect)</source>
        <translation>自动（其他计算机可连接时开启）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="125"/>
        <source>On</source>
        <translation>开启</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="126"/>
        <source>Off (plain HTTP)</source>
        <translation>关闭（普通 HTTP）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="130"/>
        <source>HTTPS:</source>
        <translation>HTTPS：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="132"/>
        <source>Certificate file:</source>
        <translation>证书文件：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="133"/>
        <source>None: RelayDesk makes its own certificate</source>
        <translation>不指定：由 RelayDesk 自行生成证书</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="134"/>
        <source>Private key file:</source>
        <translation>私钥文件：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="135"/>
        <source>None: goes with RelayDesk&apos;s own certificate</source>
        <translation>不指定：使用 RelayDesk 自有证书的私钥</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="139"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="149"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="155"/>
        <source>Certificate SHA-256:</source>
        <translation>证书 SHA-256 指纹：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="157"/>
        <source>HTTPS</source>
        <translation>HTTPS</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="158"/>
        <source>Leave both files empty to use a certificate RelayDesk makes itself; clients then have to trust it once. Your own certificate and key are PEM files. Changes take effect when the relay restarts.</source>
        <translation>两个文件都留空时，使用 RelayDesk 自行生成的证书；客户端需要信任它一次。自备的证书和私钥应为 PEM 文件。更改在中转服务重启后生效。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="198"/>
        <source>The relay is not serving HTTPS right now</source>
        <translation>中转服务当前未使用 HTTPS</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="207"/>
        <source>Choose the certificate file</source>
        <translation>选择证书文件</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="208"/>
        <source>Choose the private key file</source>
        <translation>选择私钥文件</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="211"/>
        <source>PEM files (*.pem *.crt *.cer *.key)</source>
        <translation>PEM 文件 (*.pem *.crt *.cer *.key)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings_security.py" line="212"/>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>ServiceError</name>
    <message>
        <location filename="../../gui/error_texts.py" line="15"/>
        <source>Username must be 2-64 characters: letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit</source>
        <translation>用户名须为 2-64 个字符：字母、数字、“.”、“_”或“-”，并以字母或数字开头</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="19"/>
        <source>Email: {email!r} is not a valid email address</source>
        <translation>邮箱：{email!r} 不是有效的邮箱地址</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="20"/>
        <source>Phone: {phone!r} is not a valid phone number</source>
        <translation>手机号：{phone!r} 不是有效的手机号</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="21"/>
        <source>the role must be one of {roles}</source>
        <translation>角色必须是以下之一：{roles}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="22"/>
        <source>there is no user named {username!r}</source>
        <translation>没有名为 {username!r} 的用户</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="23"/>
        <source>there is no user with ID {user_id}</source>
        <translation>没有 ID 为 {user_id} 的用户</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="24"/>
        <source>the status must be active or disabled</source>
        <translation>状态必须是“启用”或“停用”</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="25"/>
        <source>Email is required</source>
        <translation>必须填写邮箱</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="26"/>
        <source>a user named {name!r} already exists</source>
        <translation>已存在名为 {name!r} 的用户</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="28"/>
        <source>too many wrong passwords; try again after {until} UTC</source>
        <translation>密码错误次数过多；请在 {until} UTC 之后重试</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="29"/>
        <source>there is no admin account yet; run first-time setup</source>
        <translation>尚未创建管理员账户；请先完成首次设置</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="30"/>
        <source>the current password is wrong</source>
        <translation>当前密码不正确</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="31"/>
        <source>an admin account already exists</source>
        <translation>管理员账户已存在</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="33"/>
        <source>token name must be 1-64 characters</source>
        <translation>令牌名称须为 1-64 个字符</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="34"/>
        <source>there is no admin token with ID {token_id}</source>
        <translation>没有 ID 为 {token_id} 的管理令牌</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="36"/>
        <source>{field} must be a whole number</source>
        <translation>{field}必须是整数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="37"/>
        <source>{field} must be between 0 (unlimited) and {maximum}</source>
        <translation>{field}必须在 0（不限）到 {maximum} 之间</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="38"/>
        <source>Expiry: that date is in the past</source>
        <translation>有效期：该日期已经过去</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="39"/>
        <source>Name must be 1-64 characters</source>
        <translation>名称须为 1-64 个字符</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="40"/>
        <source>there is no API key with ID {key_id}</source>
        <translation>没有 ID 为 {key_id} 的 API 密钥</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="41"/>
        <source>Allowed models: {model!r} is not a valid model name (at most 128 characters, no spaces)</source>
        <translation>允许的模型：{model!r} 不是有效的模型名称（最多 128 个字符，不含空格）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="44"/>
        <source>{field} must be a whole number, not {value!r}</source>
        <translation>{field}必须是整数，而不是 {value!r}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="45"/>
        <source>Allowed addresses: {value!r} is not an IP address or network (such as 192.168.1.10 or 192.168.1.0/24)</source>
        <translation>允许的地址：{value!r} 不是 IP 地址或网段（例如 192.168.1.10 或 192.168.1.0/24）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="49"/>
        <source>Expiry must be a date written YYYY-MM-DD, not {value!r}</source>
        <translation>有效期须写成 YYYY-MM-DD 格式的日期，而不是 {value!r}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="50"/>
        <source>{field} must be from 1 to {maximum}, the relay&apos;s own limit</source>
        <translation>{field}必须在 1 到 {maximum} 之间（中转站自身的限制）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="52"/>
        <source>Expiry: that date is too far in the future</source>
        <translation>有效期：该日期太遥远了</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="53"/>
        <source>the relay&apos;s operator set this key&apos;s limits; only they can change them</source>
        <translation>此密钥的限额由中转站管理员设置，只有管理员可以更改</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="56"/>
        <source>cannot create a new file for {name} in {folder}</source>
        <translation>无法在 {folder} 中为 {name} 创建新文件</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="57"/>
        <source>This RelayDesk uses PostgreSQL. Back it up with pg_dump (for example `pg_dump -Fc DATABASE &gt; relaydesk.dump`) under your database&apos;s access control; RelayDesk does not copy PostgreSQL databases itself.</source>
        <translation>此 RelayDesk 使用 PostgreSQL。请在数据库的访问控制下用 pg_dump 备份（例如 `pg_dump -Fc DATABASE &gt; relaydesk.dump`）；RelayDesk 不会自行复制 PostgreSQL 数据库。</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="62"/>
        <source>keep at least one backup</source>
        <translation>至少保留一份备份</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="63"/>
        <source>the backup failed its integrity check: {result}</source>
        <translation>备份未通过完整性检查：{result}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="64"/>
        <source>there is no backup file {name!r} (give a path, or a file name from {folder})</source>
        <translation>没有备份文件 {name!r}（请给出路径，或 {folder} 中的文件名）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="67"/>
        <source>that is the live database, not a backup</source>
        <translation>这是正在使用的数据库，不是备份</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="68"/>
        <source>{name} failed its integrity check: {result}</source>
        <translation>{name} 未通过完整性检查：{result}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="69"/>
        <source>{name} is not a RelayDesk database</source>
        <translation>{name} 不是 RelayDesk 数据库</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="70"/>
        <source>{name} is not a readable SQLite database ({error})</source>
        <translation>{name} 不是可读取的 SQLite 数据库（{error}）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="71"/>
        <source>the copy of {name} failed its check: {result}</source>
        <translation>{name} 的副本未通过检查：{result}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="72"/>
        <source>the database is still open elsewhere (the RelayDesk window or `relaydesk serve` on this data folder?); quit it, then restore</source>
        <translation>数据库仍在别处打开（RelayDesk 窗口，或在此数据文件夹上运行的 `relaydesk serve`？）；请先退出它，再恢复</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="77"/>
        <source>{ip!r} is not an IP address</source>
        <translation>{ip!r} 不是 IP 地址</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="78"/>
        <source>a ban lasts at least one minute</source>
        <translation>封禁时长至少为一分钟</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="79"/>
        <source>{address} is not banned</source>
        <translation>{address} 未被封禁</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="81"/>
        <source>the amount must be a whole number of micro-units</source>
        <translation>金额必须是整数个微单位</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="82"/>
        <source>reservation {request_id} is gone (recovered)</source>
        <translation>预扣 {request_id} 已不存在（已被恢复处理）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="84"/>
        <source>the database {path} is damaged ({reason}); restore a backup with: relaydesk restore FILE --yes  (relaydesk backup list shows them)</source>
        <translation>数据库 {path} 已损坏（{reason}）；请用以下命令恢复备份：relaydesk restore FILE --yes（relaydesk backup list 可列出备份）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="88"/>
        <source>DATABASE_URL must be a postgresql:// URL (or unset for the SQLite file in the data folder)</source>
        <translation>DATABASE_URL 必须是 postgresql:// 开头的 URL（不设置则使用数据文件夹中的 SQLite 文件）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="93"/>
        <source>Host: enter the PostgreSQL server&apos;s name or address</source>
        <translation>主机：请输入 PostgreSQL 服务器的名称或地址</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="94"/>
        <source>Host: {host!r} is not a host name or IP address</source>
        <translation>主机：{host!r} 不是主机名或 IP 地址</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="95"/>
        <source>Port must be a number from 1 to 65535</source>
        <translation>端口必须是 1 到 65535 之间的数字</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="96"/>
        <source>Database: {name!r} is not a valid database name (letters, digits, &apos;_&apos;, &apos;-&apos;, &apos;.&apos; and &apos;$&apos;, at most 63 characters)</source>
        <translation>数据库：{name!r} 不是有效的数据库名称（字母、数字、&apos;_&apos;、&apos;-&apos;、&apos;.&apos; 和 &apos;$&apos;，最多 63 个字符）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="98"/>
        <source>User: {name!r} is not a valid user name (letters, digits, &apos;_&apos;, &apos;-&apos;, &apos;.&apos;, &apos;@&apos; and &apos;$&apos;, at most 63 characters)</source>
        <translation>用户：{name!r} 不是有效的用户名（字母、数字、&apos;_&apos;、&apos;-&apos;、&apos;.&apos;、&apos;@&apos; 和 &apos;$&apos;，最多 63 个字符）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="100"/>
        <source>SSL mode must be one of {modes}</source>
        <translation>SSL 模式必须是以下之一：{modes}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="101"/>
        <source>the password cannot be passed to PostgreSQL in a connection URL; choose another password</source>
        <translation>该密码无法通过连接 URL 传给 PostgreSQL；请换一个密码</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="104"/>
        <source>{path} is not a valid deployment choice ({reason}); choose again in Settings or delete the file</source>
        <translation>{path} 不是有效的部署选择（{reason}）；请在设置中重新选择，或删除该文件</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="107"/>
        <source>no usable OS keyring was found for the database password, and RelayDesk never stores secrets in plain text. Unlock or install a keyring (GNOME Keyring, KWallet, macOS Keychain, Windows Credential Manager), or start RelayDesk with DATABASE_URL set instead</source>
        <translation>找不到可用于保存数据库密码的系统密钥环，而 RelayDesk 从不以明文保存机密。请解锁或安装密钥环（GNOME Keyring、KWallet、macOS 钥匙串、Windows 凭据管理器），或改为设置 DATABASE_URL 后启动 RelayDesk</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="113"/>
        <source>the OS keyring refused to store the database password; unlock it, or start RelayDesk with DATABASE_URL set instead</source>
        <translation>系统密钥环拒绝保存数据库密码；请解锁它，或改为设置 DATABASE_URL 后启动 RelayDesk</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="116"/>
        <source>the database {database!r} holds other tables but no RelayDesk data; choose an empty database or one of RelayDesk&apos;s</source>
        <translation>数据库 {database!r} 中有其他表但没有 RelayDesk 数据；请选择空数据库或 RelayDesk 的数据库</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="119"/>
        <source>PostgreSQL refused to read the database {database!r}: {reason}</source>
        <translation>PostgreSQL 拒绝读取数据库 {database!r}：{reason}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="121"/>
        <source>the database {database!r} was made by a newer RelayDesk (schema version {found}; this app knows up to {latest}); update this app first</source>
        <translation>数据库 {database!r} 由更新版本的 RelayDesk 创建（结构版本 {found}；本程序最高支持 {latest}）；请先更新本程序</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="124"/>
        <source>PostgreSQL refused the password for the user {user!r}</source>
        <translation>PostgreSQL 拒绝了用户 {user!r} 的密码</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="125"/>
        <source>PostgreSQL asks for a password for the user {user!r}, and none was given or stored in the keyring</source>
        <translation>PostgreSQL 要求用户 {user!r} 提供密码，但未填写，密钥环中也没有</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="128"/>
        <source>PostgreSQL does not let the user {user!r} connect from this computer (no pg_hba.conf entry allows it)</source>
        <translation>PostgreSQL 不允许用户 {user!r} 从本机连接（pg_hba.conf 中没有允许的条目）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="131"/>
        <source>PostgreSQL has no user {user!r}</source>
        <translation>PostgreSQL 中没有用户 {user!r}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="132"/>
        <source>the database {database!r} does not exist on {host}</source>
        <translation>{host} 上不存在数据库 {database!r}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="133"/>
        <source>the server does not offer SSL, but the SSL mode {sslmode} requires it</source>
        <translation>服务器不支持 SSL，但 SSL 模式 {sslmode} 要求使用</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="135"/>
        <source>the server name {host!r} was not found</source>
        <translation>找不到服务器名称 {host!r}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="136"/>
        <source>could not reach PostgreSQL at {host}:{port}: the connection was refused (is the server running and listening there?)</source>
        <translation>无法连接到 {host}:{port} 上的 PostgreSQL：连接被拒绝（服务器是否在运行并监听该端口？）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="139"/>
        <source>could not reach PostgreSQL at {host}:{port}: no answer within {seconds} seconds</source>
        <translation>无法连接到 {host}:{port} 上的 PostgreSQL：{seconds} 秒内没有响应</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="142"/>
        <source>could not connect to PostgreSQL at {host}:{port}: {reason}</source>
        <translation>无法连接到 {host}:{port} 上的 PostgreSQL：{reason}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="144"/>
        <source>the format must be one of {formats}</source>
        <translation>格式必须是以下之一：{formats}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="145"/>
        <source>{path} is a folder; give a file name</source>
        <translation>{path} 是一个文件夹；请给出文件名</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="146"/>
        <source>cannot write to {folder}: {error}</source>
        <translation>无法写入 {folder}：{error}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="148"/>
        <source>group name must be 1-64 characters: letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit</source>
        <translation>分组名称须为 1-64 个字符：字母、数字、“.”、“_”或“-”，并以字母或数字开头</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="152"/>
        <source>multiplier must be given as decimal text, not a float</source>
        <translation>倍率必须以十进制文本给出，而不是浮点数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="153"/>
        <source>multiplier must not be negative</source>
        <translation>倍率不能为负数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="154"/>
        <source>multiplier is not a number: {value!r} (write plain decimal text such as 0.8 or 1.25)</source>
        <translation>倍率不是数字：{value!r}（请写成 0.8 或 1.25 这样的十进制数）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="157"/>
        <source>multiplier has more than 6 decimal places: {value}</source>
        <translation>倍率的小数位超过 6 位：{value}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="158"/>
        <source>multiplier must be at most {maximum}</source>
        <translation>倍率不能超过 {maximum}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="159"/>
        <source>description must be at most {maximum} characters</source>
        <translation>说明最多 {maximum} 个字符</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="160"/>
        <source>there is no group named {name!r}</source>
        <translation>没有名为 {name!r} 的分组</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="161"/>
        <source>the default group cannot be removed</source>
        <translation>不能删除默认分组</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="162"/>
        <source>invalid model name: {model!r}</source>
        <translation>无效的模型名称：{model!r}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="163"/>
        <source>a group named {name!r} already exists</source>
        <translation>已存在名为 {name!r} 的分组</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="164"/>
        <source>the default group cannot be renamed</source>
        <translation>不能重命名默认分组</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="165"/>
        <source>group {name!r} still has 1 user; move them to another group first</source>
        <translation>分组 {name!r} 中还有 1 个用户；请先将其移到其他分组</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="168"/>
        <source>group {name!r} still has {count} users; move them to another group first</source>
        <translation>分组 {name!r} 中还有 {count} 个用户；请先将他们移到其他分组</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="172"/>
        <source>no usable OS keyring was found, and RelayDesk never stores secrets in plain text. On a desktop, unlock or install a keyring (GNOME Keyring, KWallet, macOS Keychain, Windows Credential Manager). On a headless server, set the environment variable {env} to the key instead.</source>
        <translation>未找到可用的系统密钥环，而 RelayDesk 从不以明文保存机密。在桌面系统上，请解锁或安装密钥环（GNOME Keyring、KWallet、macOS 钥匙串、Windows 凭据管理器）。在无桌面的服务器上，请改为设置环境变量 {env} 为该密钥。</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="178"/>
        <source>the OS keyring refused to store the secret ({error}); no usable OS keyring was found, and RelayDesk never stores secrets in plain text. On a desktop, unlock or install a keyring (GNOME Keyring, KWallet, macOS Keychain, Windows Credential Manager). On a headless server, set the environment variable {env} to the key instead.</source>
        <translation>系统密钥环拒绝保存该机密（{error}）；未找到可用的系统密钥环，而 RelayDesk 从不以明文保存机密。在桌面系统上，请解锁或安装密钥环（GNOME Keyring、KWallet、macOS 钥匙串、Windows 凭据管理器）。在无桌面的服务器上，请改为设置环境变量 {env} 为该密钥。</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="185"/>
        <source>the balance ({balance}) cannot cover this charge of {amount}</source>
        <translation>余额（{balance}）不足以支付此次扣费 {amount}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="188"/>
        <source>Reason is required: the ledger keeps why each adjustment was made</source>
        <translation>必须填写原因：余额流水会记录每次调整的原因</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="191"/>
        <source>Amount must not be zero</source>
        <translation>金额不能为零</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="193"/>
        <source>Status must be one of {choices}</source>
        <translation>状态必须是以下之一：{choices}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="194"/>
        <source>the start of the date range must be before its end</source>
        <translation>日期范围的开始必须早于结束</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="196"/>
        <source>{field} must be sent as decimal text such as &quot;12.50&quot;, not a float</source>
        <translation>{field}必须以十进制文本（例如 &quot;12.50&quot;）发送，而不是浮点数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="199"/>
        <source>{field} is too long to be an amount</source>
        <translation>{field}太长，不是有效的金额</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="200"/>
        <source>{field} is required</source>
        <translation>必须填写{field}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="201"/>
        <source>{field} is not a number: {text!r} (write it like 12.50)</source>
        <translation>{field}不是数字：{text!r}（请写成 12.50 这样的形式）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="202"/>
        <source>{field} must be a finite number</source>
        <translation>{field}必须是有限的数字</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="203"/>
        <source>{field} is too large</source>
        <translation>{field}太大</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="204"/>
        <source>{field} has more than 6 decimal places: {text}</source>
        <translation>{field}的小数位超过 6 位：{text}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="205"/>
        <source>{field} must not be zero</source>
        <translation>{field}不能为零</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="206"/>
        <source>{field} cannot be negative</source>
        <translation>{field}不能为负数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="207"/>
        <source>{field} must be positive</source>
        <translation>{field}必须为正数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="208"/>
        <source>{field} is not a number: {text!r}</source>
        <translation>{field}不是数字：{text!r}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="210"/>
        <source>Password must be at least {minimum} characters</source>
        <translation>密码至少需要 {minimum} 个字符</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="211"/>
        <source>Password is too long: {size} bytes, and at most {maximum} bytes can be used (a Chinese character takes 3), so choose a shorter one</source>
        <translation>密码太长：{size} 字节，最多只能使用 {maximum} 字节（一个汉字占 3 字节），请换一个短一些的密码</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="216"/>
        <source>the database was made by a newer RelayDesk (schema version {found}; this one knows up to {latest}); update RelayDesk first</source>
        <translation>该数据库由更新版本的 RelayDesk 创建（结构版本 {found}；此版本最高支持 {latest}）；请先更新 RelayDesk</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="221"/>
        <source>version {version} is older than the current {current}</source>
        <translation>版本 {version} 早于当前版本 {current}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="222"/>
        <source>a policy version is its date, YYYY-MM-DD</source>
        <translation>隐私政策版本是它的日期，格式为 YYYY-MM-DD</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="8"/>
        <source>model name {model!r} is not valid: use 1-128 characters without spaces</source>
        <translation>模型名称 {model!r} 无效：请使用 1-128 个字符，不含空格</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="11"/>
        <source>Max output tokens must be a whole number from 1 to {limit:,}</source>
        <translation>最大输出 token 数必须是 1 到 {limit:,} 之间的整数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="14"/>
        <source>there is no price for model {model!r}</source>
        <translation>模型 {model!r} 没有价格</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="224"/>
        <source>the policy version must be 1-32 characters</source>
        <translation>隐私政策版本须为 1-32 个字符</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="225"/>
        <source>{name} has requests in progress; try again when they finish</source>
        <translation>{name} 有正在处理的请求；请在它们结束后重试</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="16"/>
        <source>Proxy must be none, system or a URL scheme://host:port with scheme {schemes}</source>
        <translation>代理必须是 none、system，或 scheme://host:port 形式的 URL，scheme 为 {schemes}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="19"/>
        <source>Proxy must be none, system or a URL scheme://host:port with scheme {schemes} (not {scheme!r})</source>
        <translation>代理必须是 none、system，或 scheme://host:port 形式的 URL，scheme 为 {schemes}（而不是 {scheme!r}）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="23"/>
        <source>Proxy must be none, system or a URL scheme://host:port with scheme {schemes} (no path, query or spaces)</source>
        <translation>代理必须是 none、system，或 scheme://host:port 形式的 URL，scheme 为 {schemes}（不能包含路径、查询参数或空格）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="27"/>
        <source>Proxy must be none, system or a URL scheme://host:port with scheme {schemes} (the host is missing)</source>
        <translation>代理必须是 none、system，或 scheme://host:port 形式的 URL，scheme 为 {schemes}（缺少主机）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="31"/>
        <source>Proxy must be none, system or a URL scheme://host:port with scheme {schemes} (port 0)</source>
        <translation>代理必须是 none、system，或 scheme://host:port 形式的 URL，scheme 为 {schemes}（端口不能为 0）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="34"/>
        <source>Proxy: the credentials need a user name (user:password@host)</source>
        <translation>代理：凭据需要用户名（user:password@host）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="37"/>
        <source>Extra headers: at most {maximum} are allowed</source>
        <translation>额外请求头：最多允许 {maximum} 个</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="38"/>
        <source>CA bundle: the path is empty</source>
        <translation>CA 证书包：路径为空</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="39"/>
        <source>CA bundle: {path!r} is not a file</source>
        <translation>CA 证书包：{path!r} 不是文件</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="40"/>
        <source>Proxy must be none, system or a URL scheme://host:port with scheme {schemes} (bad host or port)</source>
        <translation>代理必须是 none、system，或 scheme://host:port 形式的 URL，scheme 为 {schemes}（主机或端口无效）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="44"/>
        <source>Proxy must be none, system or a URL scheme://host:port with scheme {schemes} (the port is empty)</source>
        <translation>代理必须是 none、system，或 scheme://host:port 形式的 URL，scheme 为 {schemes}（端口为空）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="48"/>
        <source>Extra headers: names and values must be text</source>
        <translation>额外请求头：名称和值必须是文本</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="49"/>
        <source>Extra headers: {name!r} is not a valid header name</source>
        <translation>额外请求头：{name!r} 不是有效的请求头名称</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="50"/>
        <source>Extra headers: the relay sets {name} itself; the API key has its own field</source>
        <translation>额外请求头：{name} 由中转服务自行设置；API 密钥有单独的字段</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="53"/>
        <source>Extra headers: the relay sets {name} itself; it cannot be an extra header</source>
        <translation>额外请求头：{name} 由中转服务自行设置，不能作为额外请求头</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="56"/>
        <source>Extra headers: {name} carries an API key: put the key in the API key field (kept in the keyring; an Azure OpenAI base URL gets it as its api-key header)</source>
        <translation>额外请求头：{name} 携带 API 密钥：请把密钥填在 API 密钥字段（保存在密钥环中；Azure OpenAI 基础 URL 会以 api-key 请求头发送它）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="60"/>
        <source>Extra headers: the value of {name} is not valid (too long, or it has line breaks)</source>
        <translation>额外请求头：{name} 的值无效（太长或包含换行）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="63"/>
        <source>Extra headers: {name} is given twice</source>
        <translation>额外请求头：{name} 重复出现</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="64"/>
        <source>CA bundle: {path!r} holds no usable PEM certificates ({error})</source>
        <translation>CA 证书包：{path!r} 中没有可用的 PEM 证书（{error}）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="67"/>
        <source>Extra headers: each line must be &apos;Name: value&apos;, not {line!r}</source>
        <translation>额外请求头：每行必须是“名称: 值”，而不是 {line!r}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="71"/>
        <source>Base URL must look like https://host[:port]/path, not {url!r}</source>
        <translation>基础 URL 必须形如 https://host[:port]/path，而不是 {url!r}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="74"/>
        <source>Name must be 1-64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;</source>
        <translation>名称须为 1-64 个字母、数字、“.”、“_”或“-”</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="75"/>
        <source>Kind must be one of {kinds}</source>
        <translation>类型必须是以下之一：{kinds}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="76"/>
        <source>Models: name at least one model</source>
        <translation>模型：请至少填写一个模型</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="77"/>
        <source>Models: a model name has spaces in it or is longer than 128 characters</source>
        <translation>模型：某个模型名称包含空格或超过 128 个字符</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="80"/>
        <source>Priority must be a whole number from -1000 to 1000</source>
        <translation>优先级必须是 -1000 到 1000 之间的整数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="81"/>
        <source>Weight must be a whole number from 1 to 1000</source>
        <translation>权重必须是 1 到 1000 之间的整数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="82"/>
        <source>Proxy: there is no stored proxy password to keep; type the password instead of {mask}</source>
        <translation>代理：没有已保存的代理密码可保留；请输入密码，而不是 {mask}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="85"/>
        <source>a provider named {name!r} already exists</source>
        <translation>已存在名为 {name!r} 的服务商</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="86"/>
        <source>API key is empty</source>
        <translation>API 密钥为空</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="87"/>
        <source>there is no provider named {name!r}</source>
        <translation>没有名为 {name!r} 的服务商</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="88"/>
        <source>Model mapping: each row needs the model clients ask for and the model sent upstream, without spaces (got {alias}={upstream})</source>
        <translation>模型映射：每行需要客户端请求的模型和发往上游的模型，且不含空格（收到 {alias}={upstream}）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="92"/>
        <source>the proxy password needs the OS keyring, and none is usable. Without one, choose the System proxy and set HTTPS_PROXY/ALL_PROXY (credentials included) in the relay&apos;s environment.</source>
        <translation>代理密码需要系统密钥环，但没有可用的密钥环。没有密钥环时，请选择“系统代理”，并在中转服务的环境中设置 HTTPS_PROXY/ALL_PROXY（包含凭据）。</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="98"/>
        <source>model name {model!r} is not valid: a &apos;*&apos; may only end the name, once, after at least one character (e.g. claude-*)</source>
        <translation>模型名称 {model!r} 无效：“*”只能出现一次且位于名称末尾，前面至少有一个字符（例如 claude-*）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="102"/>
        <source>Model mapping: {alias!r} is not a valid pattern: one &apos;*&apos; may end the model clients ask for, after at least one character (e.g. claude-haiku-*)</source>
        <translation>模型映射：{alias!r} 不是有效的通配模式：客户端请求的模型名只能以一个“*”结尾，且前面至少有一个字符（例如 claude-haiku-*）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="106"/>
        <source>Model mapping: the model sent upstream ({upstream!r}) cannot contain &apos;*&apos;; name one model</source>
        <translation>模型映射：发往上游的模型（{upstream!r}）不能包含“*”，请填写一个具体模型</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="109"/>
        <source>Models: {model!r} contains &apos;*&apos;; a pattern belongs in the model mapping, as the model clients ask for (e.g. claude-* = deepseek-chat)</source>
        <translation>模型：{model!r} 包含“*”；通配模式应写在模型映射中，作为客户端请求的模型（例如 claude-* = deepseek-chat）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="113"/>
        <source>Anthropic API base URL must look like https://host[:port]/path, not {url!r}</source>
        <translation>Anthropic API 基础 URL 必须形如 https://host[:port]/path，而不是 {url!r}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts_providers.py" line="116"/>
        <source>Responses-native must be true or false</source>
        <translation>“原生支持 Responses API”必须为 true 或 false</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="229"/>
        <source>Note is longer than 500 characters</source>
        <translation>备注超过 500 个字符</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="230"/>
        <source>Amount must be positive</source>
        <translation>金额必须为正数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="231"/>
        <source>Method must be one of {methods}</source>
        <translation>支付方式必须是以下之一：{methods}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="232"/>
        <source>there is no recharge with order number {order_no!r}</source>
        <translation>没有订单号为 {order_no!r} 的充值</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="233"/>
        <source>recharge {order_no} is {status}; there is nothing to refund</source>
        <translation>充值 {order_no} 的状态为 {status}；没有可退款的金额</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="236"/>
        <source>Refund amount must be positive</source>
        <translation>退款金额必须为正数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="237"/>
        <source>the refund of {amount} is more than the {remaining} of {order_no} that can still be refunded</source>
        <translation>退款金额 {amount} 超过了 {order_no} 仍可退款的 {remaining}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="242"/>
        <source>the end of the date range must be after its start</source>
        <translation>日期范围的结束必须晚于开始</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="244"/>
        <source>the batch size must be a whole number from 1 to {maximum}</source>
        <translation>批量大小必须是 1 到 {maximum} 之间的整数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="245"/>
        <source>another RelayDesk process is purging old records right now; try again later</source>
        <translation>另一个 RelayDesk 进程正在清理旧记录；请稍后再试</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="248"/>
        <source>this purge run has stopped; start a new one</source>
        <translation>本次清理已停止；请开始新的清理</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="249"/>
        <source>this purge run has already finished</source>
        <translation>本次清理已经完成</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="251"/>
        <source>{field} must be a 3-letter code such as CNY</source>
        <translation>{field}必须是 3 个字母的代码，例如 CNY</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="252"/>
        <source>there is no setting called {key!r}; the settings are: {known}</source>
        <translation>没有名为 {key!r} 的设置；可用的设置有：{known}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="255"/>
        <source>{field} must be between {low} and {high}</source>
        <translation>{field}必须在 {low} 到 {high} 之间</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="256"/>
        <source>{field} must be one of {options}</source>
        <translation>{field}必须是以下之一：{options}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="257"/>
        <source>{field}: {item!r} is not an IP address or network (such as 192.168.1.10 or 192.168.1.0/24)</source>
        <translation>{field}：{item!r} 不是 IP 地址或网段（例如 192.168.1.10 或 192.168.1.0/24）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="262"/>
        <source>the number of days must be a whole number from 1 to {maximum}</source>
        <translation>天数必须是 1 到 {maximum} 之间的整数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="265"/>
        <source>min_group must be a whole number of at least 1</source>
        <translation>min_group 必须是至少为 1 的整数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="267"/>
        <source>HTTPS must be one of {modes}, not {mode!r}</source>
        <translation>HTTPS 必须是以下之一：{modes}，而不是 {mode!r}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="268"/>
        <source>an HTTPS certificate needs its private key: set both the certificate file and the private key file (or neither, for RelayDesk&apos;s own certificate)</source>
        <translation>HTTPS 证书需要其私钥：请同时设置证书文件和私钥文件（或都不设置，使用 RelayDesk 自己的证书）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="272"/>
        <source>HTTPS private key file: {key} does not belong to the certificate {cert}</source>
        <translation>HTTPS 私钥文件：{key} 与证书 {cert} 不匹配</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="275"/>
        <source>cannot use the HTTPS certificate {cert} with the key {key}: {error}</source>
        <translation>无法将 HTTPS 证书 {cert} 与私钥 {key} 一起使用：{error}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="278"/>
        <source>HTTPS certificate file: {path} is not a PEM certificate</source>
        <translation>HTTPS 证书文件：{path} 不是 PEM 证书</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="279"/>
        <source>HTTPS private key file: {path} is encrypted; RelayDesk needs an unencrypted key (protect the file with permissions instead)</source>
        <translation>HTTPS 私钥文件：{path} 已加密；RelayDesk 需要未加密的私钥（请改用文件权限保护它）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="283"/>
        <source>HTTPS private key file: {path} is not a PEM private key</source>
        <translation>HTTPS 私钥文件：{path} 不是 PEM 私钥</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="284"/>
        <source>{field}: {path} was not found</source>
        <translation>{field}：未找到 {path}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="285"/>
        <source>{field}: cannot read {path} ({error})</source>
        <translation>{field}：无法读取 {path}（{error}）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="287"/>
        <source>Uses must be between 1 and {maximum}</source>
        <translation>使用次数必须在 1 到 {maximum} 之间</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="288"/>
        <source>Note must be at most {maximum} characters</source>
        <translation>备注最多 {maximum} 个字符</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="289"/>
        <source>there is no invite with ID {invite_id}</source>
        <translation>没有 ID 为 {invite_id} 的邀请码</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="290"/>
        <source>an invite code is needed to register</source>
        <translation>注册需要邀请码</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="291"/>
        <source>that invite code is not valid, expired or used up</source>
        <translation>该邀请码无效、已过期或已用完</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="293"/>
        <source>that password is too common; choose another</source>
        <translation>该密码过于常见，请换一个</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="294"/>
        <source>the password must not be your username or email</source>
        <translation>密码不能与用户名或邮箱相同</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="295"/>
        <source>registration is closed on this relay; ask its operator for an account</source>
        <translation>本中转服务已关闭注册；请向运营者申请账户</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="298"/>
        <source>please accept the privacy policy (version {version})</source>
        <translation>请接受隐私政策（版本 {version}）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="299"/>
        <source>an account with that email already exists</source>
        <translation>已存在使用该邮箱的账户</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="301"/>
        <source>wrong username or password</source>
        <translation>用户名或密码错误</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="302"/>
        <source>the limit must be between 1 and {maximum}</source>
        <translation>数量上限必须在 1 到 {maximum} 之间</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="303"/>
        <source>this account is disabled; ask the relay&apos;s operator</source>
        <translation>该账户已停用；请联系中转服务的运营者</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="304"/>
        <source>the status must be one of {statuses}</source>
        <translation>状态必须是以下之一：{statuses}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="306"/>
        <source>a deletion request of {username} is already waiting</source>
        <translation>{username} 已有一个待处理的删除申请</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="307"/>
        <source>there is no deletion request with ID {request_id}</source>
        <translation>没有 ID 为 {request_id} 的删除申请</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="308"/>
        <source>deletion request {request_id} was already {status}</source>
        <translation>删除申请 {request_id} 已处于 {status} 状态</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="309"/>
        <source>deletion request {request_id} was already decided</source>
        <translation>删除申请 {request_id} 已处理</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="310"/>
        <source>a rejection needs a reason of 1-{maximum} characters</source>
        <translation>拒绝时需填写 1-{maximum} 个字符的原因</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="312"/>
        <source>{field} must not contain NUL characters</source>
        <translation>{field}不能包含 NUL 字符</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="313"/>
        <source>{field} must be at most {maximum} characters</source>
        <translation>{field}最多 {maximum} 个字符</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="314"/>
        <source>there is no announcement with ID {announcement_id}</source>
        <translation>没有 ID 为 {announcement_id} 的公告</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="316"/>
        <source>Count must be between 1 and {maximum}</source>
        <translation>数量必须在 1 到 {maximum} 之间</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="317"/>
        <source>Amount must be at most {maximum}</source>
        <translation>金额不能超过 {maximum}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="318"/>
        <source>{path} already exists; choose a new file</source>
        <translation>{path} 已存在；请选择一个新文件</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="319"/>
        <source>cannot write {path}: {reason}</source>
        <translation>无法写入 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="320"/>
        <source>Status must be one of {statuses}</source>
        <translation>状态必须是以下之一：{statuses}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="321"/>
        <source>there is no redemption code with ID {code_id}</source>
        <translation>没有 ID 为 {code_id} 的兑换码</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="322"/>
        <source>redemption code {code_id} is already used</source>
        <translation>兑换码 {code_id} 已被使用</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="323"/>
        <source>that code is not valid</source>
        <translation>该兑换码无效</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="325"/>
        <source>{field} must be an http:// or https:// address</source>
        <translation>{field}必须是 http:// 或 https:// 开头的地址</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="326"/>
        <source>{field} must be at most 64 characters without spaces</source>
        <translation>{field}最多 64 个字符，且不能包含空格</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="327"/>
        <source>Gateway must be one of {gateways}</source>
        <translation>网关必须是以下之一：{gateways}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="328"/>
        <source>the {gateway} gateway is not set up: it needs its address, merchant id and key</source>
        <translation>{gateway} 网关尚未配置：需要填写其地址、商户号和密钥</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="330"/>
        <source>The gateway key must be 1 to 256 characters without spaces</source>
        <translation>网关密钥须为 1 到 256 个字符，且不能包含空格</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="332"/>
        <source>Amount must be a number such as 10 or 9.99</source>
        <translation>金额必须是数字，例如 10 或 9.99</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="333"/>
        <source>Amount must be between 0.01 and 100000 in whole cents</source>
        <translation>金额必须在 0.01 到 100000 之间，且精确到分</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="334"/>
        <source>Payment type must be one of {types}</source>
        <translation>支付类型必须是以下之一：{types}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="335"/>
        <source>there is no top-up order {order_no!r}</source>
        <translation>没有充值订单 {order_no!r}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="337"/>
        <source>there is no email with id {id}</source>
        <translation>没有 ID 为 {id} 的邮件</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="338"/>
        <source>email {id} is {status}; only failed or waiting email can be retried</source>
        <translation>邮件 {id} 的状态为 {status}；只有发送失败或等待中的邮件可以重试</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="341"/>
        <source>unknown notification {kind!r}</source>
        <translation>未知的通知类型 {kind!r}</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="342"/>
        <source>this unsubscribe link is not valid</source>
        <translation>此退订链接无效</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="343"/>
        <source>This password-reset link is not valid any more; ask for a new one.</source>
        <translation>此密码重置链接已失效，请重新申请。</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="349"/>
        <source>Admin IP allow-list</source>
        <translation>管理 IP 白名单</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="350"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="351"/>
        <source>Backups kept</source>
        <translation>保留的备份数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="352"/>
        <source>Body</source>
        <translation>正文</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="353"/>
        <source>Ban length</source>
        <translation>封禁时长</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="354"/>
        <source>Cached input price</source>
        <translation>缓存输入价格</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="355"/>
        <source>Change</source>
        <translation>调整金额</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="356"/>
        <source>Clients allowed to use the relay</source>
        <translation>允许使用中转服务的客户端</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="357"/>
        <source>Concurrent requests</source>
        <translation>并发请求数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="358"/>
        <source>Concurrent requests per key</source>
        <translation>每个密钥的并发请求数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="359"/>
        <source>Connections per client address</source>
        <translation>每个客户端地址的连接数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="360"/>
        <source>Counting period for failures</source>
        <translation>失败计数周期</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="361"/>
        <source>Currency</source>
        <translation>货币</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="362"/>
        <source>Days to keep login and security events</source>
        <translation>登录和安全事件保留天数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="363"/>
        <source>Days to keep payment records</source>
        <translation>支付记录保留天数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="364"/>
        <source>Days to keep request logs</source>
        <translation>请求日志保留天数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="365"/>
        <source>Default completion tokens</source>
        <translation>默认输出 token 数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="366"/>
        <source>Failures before a ban</source>
        <translation>封禁前允许的失败次数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="367"/>
        <source>HTTPS</source>
        <translation>HTTPS</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="368"/>
        <source>HTTPS certificate file</source>
        <translation>HTTPS 证书文件</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="369"/>
        <source>HTTPS private key file</source>
        <translation>HTTPS 私钥文件</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="370"/>
        <source>Hours between backups</source>
        <translation>备份间隔（小时）</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="371"/>
        <source>Idle connection timeout</source>
        <translation>空闲连接超时</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="372"/>
        <source>Input price</source>
        <translation>输入价格</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="373"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="374"/>
        <source>Largest request</source>
        <translation>最大请求大小</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="375"/>
        <source>Output price</source>
        <translation>输出价格</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="376"/>
        <source>Portal session lifetime</source>
        <translation>门户会话最长有效期</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="377"/>
        <source>Portal sign-out after inactivity</source>
        <translation>门户闲置自动退出时间</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="378"/>
        <source>Privacy policy major version</source>
        <translation>隐私政策主版本</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="379"/>
        <source>Privacy policy version</source>
        <translation>隐私政策版本</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="380"/>
        <source>Provider silence timeout</source>
        <translation>服务商无响应超时</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="381"/>
        <source>Refund amount</source>
        <translation>退款金额</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="382"/>
        <source>Registration</source>
        <translation>注册方式</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="383"/>
        <source>Relay address</source>
        <translation>中转服务地址</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="384"/>
        <source>Relay port</source>
        <translation>中转服务端口</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="385"/>
        <source>Request body timeout</source>
        <translation>请求体超时</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="386"/>
        <source>Request head timeout</source>
        <translation>请求头超时</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="387"/>
        <source>Requests per minute</source>
        <translation>每分钟请求数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="388"/>
        <source>Requests per minute, per key</source>
        <translation>每个密钥每分钟请求数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="389"/>
        <source>Reservation lease</source>
        <translation>预扣租期</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="390"/>
        <source>Stream client timeout</source>
        <translation>流式客户端超时</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="391"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="392"/>
        <source>Tokens per minute</source>
        <translation>每分钟 token 数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="393"/>
        <source>Tokens per minute, per key</source>
        <translation>每个密钥每分钟 token 数</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="394"/>
        <source>Trusted reverse proxies</source>
        <translation>受信任的反向代理</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="396"/>
        <source>SMTP server</source>
        <translation>SMTP 服务器</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="397"/>
        <source>SMTP port</source>
        <translation>SMTP 端口</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="398"/>
        <source>SMTP security</source>
        <translation>SMTP 加密方式</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="399"/>
        <source>SMTP user name</source>
        <translation>SMTP 用户名</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="400"/>
        <source>Sender address</source>
        <translation>发件人地址</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="402"/>
        <source>Epay gateway URL</source>
        <translation>易支付网关 URL</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="403"/>
        <source>Epay merchant id</source>
        <translation>易支付商户号</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="404"/>
        <source>HupiJiao gateway URL</source>
        <translation>虎皮椒网关 URL</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="405"/>
        <source>HupiJiao appid</source>
        <translation>虎皮椒 Appid</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="406"/>
        <source>Public base URL</source>
        <translation>公开基础 URL</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="407"/>
        <source>Top-up order expiry</source>
        <translation>充值订单有效期</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="409"/>
        <source>Low-balance warning threshold</source>
        <translation>余额不足提醒阈值</translation>
    </message>
    <message>
        <location filename="../../gui/error_texts.py" line="410"/>
        <source>Operator&apos;s email</source>
        <translation>运营者邮箱</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../gui/pages/settings.py" line="66"/>
        <source>Computers on the LAN (all network interfaces)</source>
        <translation>局域网内的计算机（所有网络接口）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="67"/>
        <source>This computer only (127.0.0.1)</source>
        <translation>仅本机（127.0.0.1）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="70"/>
        <source>any free port</source>
        <translation>任意空闲端口</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="72"/>
        <source>Restart relay</source>
        <translation>重启中转服务</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="74"/>
        <source>Saving a new address or port offers to restart the relay at once. Connected clients are disconnected briefly.</source>
        <translation>保存新的地址或端口时，可以立即重启中转服务。已连接的客户端会短暂断开。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="80"/>
        <source>Listen for:</source>
        <translation>允许访问：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="81"/>
        <source>Port:</source>
        <translation>端口：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="82"/>
        <source>Relay</source>
        <translation>中转服务</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="86"/>
        <source>Request logs:</source>
        <translation>请求日志：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="87"/>
        <source>Payment records:</source>
        <translation>支付记录：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="88"/>
        <source>Login and security events:</source>
        <translation>登录与安全事件：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="93"/>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="98"/>
        <source>Purge now…</source>
        <translation>立即清理…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="99"/>
        <source>Delete what is older than the saved periods now, instead of waiting for the daily clean-up</source>
        <translation>现在就删除超过已保存保留期限的记录，而不必等待每日自动清理</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="112"/>
        <source>Keep records</source>
        <translation>记录保留</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="113"/>
        <source>How long each kind of record is kept before it is deleted.</source>
        <translation>各类记录在删除前保留的时长。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="118"/>
        <source>Change admin password…</source>
        <translation>修改管理员密码…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="120"/>
        <source>Admin access</source>
        <translation>管理访问</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="121"/>
        <source>Computers allowed to use the admin API, one address or network per line.</source>
        <translation>允许使用管理 API 的计算机，每行一个地址或网段。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="123"/>
        <source>This computer (127.0.0.1 and ::1) is always allowed, whatever the list says, so you cannot lock yourself out.</source>
        <translation>无论列表如何设置，本机（127.0.0.1 和 ::1）始终被允许，因此您不会把自己锁在外面。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="135"/>
        <source>Closed: only you create accounts</source>
        <translation>关闭：只有你能创建账号</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="136"/>
        <source>With an invite code</source>
        <translation>凭邀请码注册</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="137"/>
        <source>Open to anyone who can reach the relay</source>
        <translation>开放：能访问中转站的任何人都可注册</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="139"/>
        <source>Registration:</source>
        <translation>注册方式：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="140"/>
        <source>User portal</source>
        <translation>用户门户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="141"/>
        <source>Who may create an account on the portal. Invite codes are made on the Portal page.</source>
        <translation>谁可以在门户上创建账号。邀请码在“门户”页面创建。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="146"/>
        <source>you@example.com</source>
        <translation>you@example.com</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="150"/>
        <source>Operator&apos;s email:</source>
        <translation>运营者邮箱：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="151"/>
        <source>Low-balance warning below:</source>
        <translation>余额低于此值时提醒：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="152"/>
        <source>Email notifications</source>
        <translation>邮件通知</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="153"/>
        <source>Security alerts (address bans) go to the operator&apos;s email. Users are emailed once when their balance falls below the threshold (0: never); each user may set their own on the portal.</source>
        <translation>安全警报（地址封禁）会发送到运营者邮箱。用户余额低于阈值时会收到一次邮件提醒（0 表示从不提醒）；每位用户可在门户上自行设置阈值。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="159"/>
        <source>Automatic (follow the system)</source>
        <translation>自动（跟随系统）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="166"/>
        <source>Used from the next start.</source>
        <translation>下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="169"/>
        <source>Chosen at first start; balances and prices use it.</source>
        <translation>首次启动时选定，余额和价格均使用此货币。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="172"/>
        <source>Start RelayDesk when I log in, in the tray</source>
        <translation>登录时在托盘中启动 RelayDesk</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="176"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="177"/>
        <source>Currency:</source>
        <translation>货币：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="179"/>
        <source>Interface</source>
        <translation>界面</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="185"/>
        <source>Discard changes</source>
        <translation>放弃更改</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="187"/>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="237"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="264"/>
        <source>Only the address {host}</source>
        <translation>仅地址 {host}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="318"/>
        <source>Nothing to save.</source>
        <translation>没有需要保存的更改。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="341"/>
        <source>Not saved: {errors}</source>
        <translation>未保存：{errors}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="344"/>
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="346"/>
        <source>The new language is used from the next start.</source>
        <translation>新语言将在下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="363"/>
        <source>Not saved: port {port} is already used by another program on this computer; choose another.</source>
        <translation>未保存：端口 {port} 已被本机上的其他程序占用，请换一个。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="368"/>
        <source>Restart the relay</source>
        <translation>重启中转服务</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="369"/>
        <source>The relay must restart to use the new settings. Restart it now? Clients in the middle of a request see it end.</source>
        <translation>中转服务需要重启才能使用新设置。现在重启吗？正在进行中的请求会被中断。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="371"/>
        <source>Restart now</source>
        <translation>立即重启</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="372"/>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="377"/>
        <source>Settings saved. The relay uses them from its next restart.</source>
        <translation>设置已保存。中转服务下次重启时生效。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="384"/>
        <source>Restarting the relay…</source>
        <translation>正在重启中转服务…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="391"/>
        <source>The relay is running at {url}.</source>
        <translation>中转服务正在 {url} 运行。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="394"/>
        <source>The relay could not start: {why}</source>
        <translation>中转服务无法启动：{why}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="406"/>
        <source>Could not change the start at log-in: {why}</source>
        <translation>无法更改登录时启动：{why}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="412"/>
        <source>RelayDesk starts in the tray when you log in.</source>
        <translation>登录时 RelayDesk 将在托盘中启动。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="413"/>
        <source>RelayDesk no longer starts when you log in.</source>
        <translation>登录时不再启动 RelayDesk。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="421"/>
        <source>Admin password changed.</source>
        <translation>管理员密码已修改。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="427"/>
        <source>Save or discard your changes to the retention periods first.</source>
        <translation>请先保存或放弃对保留期限的更改。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="434"/>
        <source>Nothing is older than the retention periods; there is nothing to delete.</source>
        <translation>没有超过保留期限的记录，无需删除。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="442"/>
        <source>Deleting old records…</source>
        <translation>正在删除旧记录…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="455"/>
        <source>Another RelayDesk process is deleting old records right now; try again later.</source>
        <translation>另一个 RelayDesk 进程正在删除旧记录，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="460"/>
        <source>Deleted {logs} request logs, {payments} payment records and {events} login and security events; folded {entries} ledger entries into {carries} carried-forward entries.</source>
        <translation>已删除 {logs} 条请求日志、{payments} 条支付记录和 {events} 条登录与安全事件；已将 {entries} 条账目合并为 {carries} 条结转记录。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="470"/>
        <source>Purge old records</source>
        <translation>清理旧记录</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="471"/>
        <source>This will delete {logs} request logs older than {log_days} days, {payments} payment records older than {payment_days} days and {events} login and security events older than {security_days} days, and fold {entries} ledger entries older than {payment_days} days into {carries} carried-forward entries.</source>
        <translation>将删除 {logs} 条超过 {log_days} 天的请求日志、{payments} 条超过 {payment_days} 天的支付记录和 {events} 条超过 {security_days} 天的登录与安全事件，并将 {entries} 条超过 {payment_days} 天的账目合并为 {carries} 条结转记录。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="477"/>
        <source>Balances do not change: each user&apos;s old ledger entries become one entry carrying their total forward. Pending payments and operator actions are kept. This cannot be undone.</source>
        <translation>余额不会改变：每位用户的旧账目会合并为一条结转其总额的记录。待支付的订单和操作员的操作记录会保留。此操作无法撤销。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="480"/>
        <source>Delete old records</source>
        <translation>删除旧记录</translation>
    </message>
</context>
<context>
    <name>SnippetBox</name>
    <message>
        <location filename="../../gui/dialogs/agent_snippets.py" line="41"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/agent_snippets.py" line="53"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>TokenCreatedDialog</name>
    <message>
        <location filename="../../gui/dialogs/token_created.py" line="23"/>
        <source>Admin token created</source>
        <translation>已创建管理令牌</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/token_created.py" line="24"/>
        <source>&lt;b&gt;New admin token “{name}”&lt;/b&gt;</source>
        <translation>&lt;b&gt;新管理令牌“{name}”&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/token_created.py" line="25"/>
        <source>Copy this token now and keep it somewhere safe. It will not be shown again: RelayDesk keeps only a fingerprint of it. If it is lost, revoke it and create a new one.</source>
        <translation>请立即复制此令牌并妥善保管。令牌不会再次显示：RelayDesk 只保存它的指纹。如果丢失，请吊销后重新创建。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/token_created.py" line="30"/>
        <source>Programs use it to call the admin API. It works only from addresses in the admin IP whitelist (Settings page).</source>
        <translation>程序使用它调用管理 API。仅在管理 IP 白名单（“设置”页面）内的地址可用。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/token_created.py" line="40"/>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/token_created.py" line="41"/>
        <source>Copy the token to the clipboard</source>
        <translation>将令牌复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/token_created.py" line="46"/>
        <source>Copied to the clipboard.</source>
        <translation>已复制到剪贴板。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/token_created.py" line="49"/>
        <source>I have copied the token</source>
        <translation>我已复制令牌</translation>
    </message>
</context>
<context>
    <name>UserEditDialog</name>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="40"/>
        <source>Add user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="41"/>
        <source>Edit user {user}</source>
        <translation>编辑用户 {user}</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="48"/>
        <source>required: letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;</source>
        <translation>必填：字母、数字、“.”、“_”或“-”</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="50"/>
        <source>required, e.g. name@example.com</source>
        <translation>必填，例如 name@example.com</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="52"/>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="56"/>
        <source>leave empty to keep the current password</source>
        <translation>留空则保留当前密码</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="57"/>
        <source>optional, at least 8 characters</source>
        <translation>可选，至少 8 个字符</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="61"/>
        <source>The group sets the prices this user pays and the models they may use</source>
        <translation>分组决定该用户支付的价格和可使用的模型</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="63"/>
        <source>Programs that call the relay use API keys, not this password: create them with API keys… on the Users page.</source>
        <translation>调用中转服务的程序使用 API 密钥，而不是此密码：请在“用户”页面通过“API 密钥…”创建。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="72"/>
        <source>Username:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="73"/>
        <source>Email:</source>
        <translation>邮箱：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="74"/>
        <source>Phone:</source>
        <translation>电话：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="75"/>
        <source>Group:</source>
        <translation>分组：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="76"/>
        <source>New password:</source>
        <translation>新密码：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="76"/>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="77"/>
        <source>Repeat password:</source>
        <translation>确认密码：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="127"/>
        <source>The two passwords do not match.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>UsersModel</name>
    <message>
        <location filename="../../gui/pages/users.py" line="55"/>
        <source>Balance ({currency})</source>
        <translation>余额（{currency}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="56"/>
        <source>Balance</source>
        <translation>余额</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="57"/>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="57"/>
        <source>Email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="57"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="57"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="58"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="58"/>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="76"/>
        <source>Active</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="76"/>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <location filename="../../gui/pages/users.py" line="115"/>
        <source>Search username, email or phone (Ctrl+F)</source>
        <translation>搜索用户名、邮箱或电话（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="125"/>
        <source>&amp;Add…</source>
        <translation>添加(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="125"/>
        <source>Add a user (Ctrl+N)</source>
        <translation>添加用户（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="127"/>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="128"/>
        <source>Change email, phone or password (Enter)</source>
        <translation>修改邮箱、电话或密码（Enter）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="130"/>
        <location filename="../../gui/pages/users.py" line="276"/>
        <source>&amp;Disable</source>
        <translation>停用(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="131"/>
        <source>De&amp;lete…</source>
        <translation>删除(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="132"/>
        <source>Delete the user and their keys (Delete)</source>
        <translation>删除该用户及其密钥（Delete）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="134"/>
        <source>API &amp;keys…</source>
        <translation>API 密钥(&amp;K)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="135"/>
        <source>Create or revoke the user&apos;s keys (Ctrl+K)</source>
        <translation>创建或吊销该用户的密钥（Ctrl+K）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="181"/>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="234"/>
        <source>No user matches “{text}”.</source>
        <translation>没有与“{text}”匹配的用户。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="236"/>
        <source>One user matches “{text}”.</source>
        <translation>有 1 个用户与“{text}”匹配。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="238"/>
        <source>{count} users match “{text}”.</source>
        <translation>有 {count} 个用户与“{text}”匹配。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="241"/>
        <source>No users yet. Press Ctrl+N to add the first one.</source>
        <translation>还没有用户。按 Ctrl+N 添加第一个用户。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="243"/>
        <source>One user</source>
        <translation>共 1 个用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="245"/>
        <source>{count} users</source>
        <translation>共 {count} 个用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="273"/>
        <source>E&amp;nable</source>
        <translation>启用(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="274"/>
        <source>Let the user&apos;s keys work again</source>
        <translation>恢复该用户密钥的使用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="277"/>
        <source>Stop the user&apos;s keys from working until enabled again; nothing is deleted</source>
        <translation>停用该用户的密钥，直到重新启用；不会删除任何数据</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="339"/>
        <location filename="../../gui/pages/users.py" line="340"/>
        <source>Delete user</source>
        <translation>删除用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="339"/>
        <source>Delete the user {user}?</source>
        <translation>确定要删除用户 {user} 吗？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="330"/>
        <source>Their profile, API keys and login history are erased. Request logs and payment records are kept de-identified until their retention period ends. This cannot be undone.</source>
        <translation>该用户的资料、API 密钥和登录历史将被清除。请求日志和支付记录会去标识化保留，直至保留期结束。此操作无法撤销。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="335"/>
        <source>{user} still has a balance of {amount}. It stays with the de-identified payment records and can still be refunded by order number.</source>
        <translation>{user} 仍有余额 {amount}。该余额随去标识化的支付记录保留，仍可按订单号退款。</translation>
    </message>
</context>
<context>
    <name>_GatewayBox</name>
    <message>
        <location filename="../../gui/pages/payments.py" line="91"/>
        <source>&amp;Test gateway</source>
        <translation>测试网关(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="92"/>
        <source>Ask the gateway about a made-up order: does it answer, and does its answer verify?</source>
        <translation>用一个虚构订单向网关查询：检查网关是否响应，以及响应能否通过验签。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="97"/>
        <source>Gateway address:</source>
        <translation>网关地址：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="109"/>
        <source>stored in the OS keyring; type to replace</source>
        <translation>已保存在系统密钥环中；输入新值即可替换</translation>
    </message>
    <message>
        <location filename="../../gui/pages/payments.py" line="110"/>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../../gui/main.py" line="58"/>
        <location filename="../../gui/main.py" line="100"/>
        <source>RelayDesk is already running for this data folder.</source>
        <translation>已有 RelayDesk 正在使用此数据文件夹。</translation>
    </message>
    <message>
        <location filename="../../gui/main.py" line="120"/>
        <source>RelayDesk cannot open its database.</source>
        <translation>RelayDesk 无法打开它的数据库。</translation>
    </message>
    <message>
        <location filename="../../gui/main.py" line="137"/>
        <source>RelayDesk could not open the deployment this computer manages.</source>
        <translation>RelayDesk 无法打开本机所管理的部署。</translation>
    </message>
    <message>
        <location filename="../../gui/main.py" line="140"/>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../gui/main.py" line="142"/>
        <source>Use this computer instead</source>
        <translation>改用本机</translation>
    </message>
    <message>
        <location filename="../../gui/main.py" line="144"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../gui/main.py" line="237"/>
        <source>Open RelayDesk</source>
        <translation>打开 RelayDesk</translation>
    </message>
    <message>
        <location filename="../../gui/main.py" line="239"/>
        <source>Quit RelayDesk</source>
        <translation>退出 RelayDesk</translation>
    </message>
</context>
</TS>
