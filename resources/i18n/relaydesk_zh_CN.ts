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
        <source>for example 5 to add, -2.50 to take off</source>
        <translation>例如 5 表示增加，-2.50 表示扣减</translation>
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
        <location filename="../../gui/dialogs/api_keys.py" line="456"/>
        <location filename="../../gui/dialogs/api_keys.py" line="461"/>
        <source>Revoke key</source>
        <translation>吊销密钥</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="457"/>
        <source>Revoke the key “{name}” ({prefix}) of {user}?</source>
        <translation>确定要吊销 {user} 的密钥“{name}”（{prefix}）吗？</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/api_keys.py" line="459"/>
        <source>Programs using this key are refused from now on. A revoked key cannot be turned back on; create a new one instead.</source>
        <translation>使用此密钥的程序将立即被拒绝。密钥吊销后无法恢复，如需继续使用请创建新密钥。</translation>
    </message>
</context>
<context>
    <name>Backend</name>
    <message>
        <location filename="../../gui/backend.py" line="85"/>
        <source>Port {port} on {host} is not available: {why}</source>
        <translation>{host} 上的端口 {port} 不可用：{why}</translation>
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
        <location filename="../../gui/pages/balances.py" line="180"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="115"/>
        <location filename="../../gui/pages/balances.py" line="149"/>
        <source>Balance</source>
        <translation>余额</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="128"/>
        <source>Find a user (Ctrl+F)</source>
        <translation>查找用户（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="131"/>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="139"/>
        <source>{name} (disabled)</source>
        <translation>{name}（停用）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="145"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="146"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="147"/>
        <location filename="../../gui/pages/balances.py" line="181"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="151"/>
        <source>Balance after this entry</source>
        <translation>本笔记账后的余额</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="152"/>
        <source>Reference</source>
        <translation>关联单号</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="153"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="156"/>
        <source>Hide request holds and releases</source>
        <translation>隐藏请求的预扣与释放</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="157"/>
        <source>Each relayed request holds money while it runs and releases it when it is charged.</source>
        <translation>每个中转请求在处理期间会预扣金额，正式扣费时释放预扣。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="161"/>
        <location filename="../../gui/pages/balances.py" line="195"/>
        <source>Load more</source>
        <translation>加载更多</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="170"/>
        <source>Ledger</source>
        <translation>余额流水</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="179"/>
        <source>Order number</source>
        <translation>订单号</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="182"/>
        <source>Method</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="183"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="184"/>
        <source>Refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="186"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="187"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="201"/>
        <source>Recharge records</source>
        <translation>充值记录</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="217"/>
        <source>{column} ({currency})</source>
        <translation>{column}（{currency}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="263"/>
        <source>Ledger: select a user</source>
        <translation>余额流水：请选择用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="280"/>
        <source>Ledger of {user}: balance {balance} {currency}</source>
        <translation>{user} 的余额流水：余额 {balance} {currency}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="284"/>
        <source>1 entry shown</source>
        <translation>已显示 1 条</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="285"/>
        <source>{n} entries shown</source>
        <translation>已显示 {n} 条</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="313"/>
        <source>{shown} of {count} records shown. Recharged {recharged} {currency}, refunded {refunded} {currency}, net {net} {currency}.</source>
        <translation>已显示 {shown} / {count} 条记录。充值 {recharged} {currency}，退款 {refunded} {currency}，净额 {net} {currency}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="362"/>
        <source>Recharged {amount} {currency} to {user}. Order number: {order}</source>
        <translation>已为 {user} 充值 {amount} {currency}。订单号：{order}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="366"/>
        <source>Recharged</source>
        <translation>充值成功</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="390"/>
        <source>Order {order}: {refunded} of {amount} {currency} refunded to {user}.</source>
        <translation>订单 {order}：已向 {user} 退款 {refunded} / {amount} {currency}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/balances.py" line="413"/>
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
        <location filename="../../gui/pages/balances_rows.py" line="183"/>
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
        <location filename="../../gui/pages/dashboard.py" line="142"/>
        <source>Dashboard</source>
        <translation>仪表盘</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="147"/>
        <source>Requests today</source>
        <translation>今日请求数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="148"/>
        <source>Tokens today</source>
        <translation>今日 Token 数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="149"/>
        <source>Spend today</source>
        <translation>今日消费</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="150"/>
        <source>Active users today</source>
        <translation>今日活跃用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="151"/>
        <source>Errors today</source>
        <translation>今日错误数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="163"/>
        <location filename="../../gui/pages/dashboard.py" line="207"/>
        <source>Requests</source>
        <translation>请求数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="164"/>
        <location filename="../../gui/pages/dashboard.py" line="207"/>
        <source>Spend</source>
        <translation>消费</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="166"/>
        <source>Show requests per day</source>
        <translation>显示每日请求数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="167"/>
        <source>Show spend per day</source>
        <translation>显示每日消费</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="203"/>
        <source>Top models today</source>
        <translation>今日热门模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="207"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="207"/>
        <source>Tokens</source>
        <translation>Token 数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="208"/>
        <source>Share of requests</source>
        <translation>请求占比</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="235"/>
        <source>No requests yet today.</source>
        <translation>今天还没有请求。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="278"/>
        <source>{amount} {currency}</source>
        <translation>{amount} {currency}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="283"/>
        <source>{n} in the last minute</source>
        <translation>最近一分钟 {n} 个请求</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="285"/>
        <source>{p} prompt, {c} completion</source>
        <translation>提示 {p}，补全 {c}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="288"/>
        <source>charged to users</source>
        <translation>向用户收取</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="289"/>
        <source>with at least one request</source>
        <translation>至少发起过一次请求</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="292"/>
        <source>{pct}% of requests</source>
        <translation>占请求数的 {pct}%</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="294"/>
        <source>no requests yet</source>
        <translation>暂无请求</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="325"/>
        <source>(no model)</source>
        <translation>（无模型）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="358"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="371"/>
        <source>Spend per day in {currency}, last 14 days</source>
        <translation>近 14 天每日消费（{currency}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="372"/>
        <source>Requests per day, last 14 days</source>
        <translation>近 14 天每日请求数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="377"/>
        <source>No requests in the last 14 days.</source>
        <translation>近 14 天没有请求。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="400"/>
        <source>{model} on {day}: {amount}</source>
        <translation>{model}，{day}：{amount}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/dashboard.py" line="403"/>
        <source>{model} on {day}: {n} requests</source>
        <translation>{model}，{day}：{n} 个请求</translation>
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
        <location filename="../../gui/dialogs/first_run.py" line="35"/>
        <source>Welcome to RelayDesk</source>
        <translation>欢迎使用 RelayDesk</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="36"/>
        <source>Choose the administrator password that protects this window, and how the relay should listen.</source>
        <translation>请设置保护本窗口的管理员密码，并选择中转服务的监听方式。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="46"/>
        <source>Let other computers on the LAN use the relay</source>
        <translation>允许局域网内的其他计算机使用中转服务</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="53"/>
        <source>Admin password:</source>
        <translation>管理员密码：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="54"/>
        <source>Repeat password:</source>
        <translation>确认密码：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="55"/>
        <source>Relay port:</source>
        <translation>中转端口：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="57"/>
        <source>Currency:</source>
        <translation>货币：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="70"/>
        <source>The password needs at least 8 characters.</source>
        <translation>密码至少需要 8 个字符。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="72"/>
        <source>The password is longer than 72 bytes.</source>
        <translation>密码不能超过 72 字节。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="74"/>
        <source>The passwords do not match.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/first_run.py" line="76"/>
        <source>Port {port} is already used by another program on this computer; choose another.</source>
        <translation>端口 {port} 已被本机上的其他程序占用，请换一个。</translation>
    </message>
</context>
<context>
    <name>KeyCreatedDialog</name>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="47"/>
        <source>API key created</source>
        <translation>API 密钥已创建</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="49"/>
        <source>&lt;b&gt;New key “{name}” for {user}&lt;/b&gt;</source>
        <translation>&lt;b&gt;{user} 的新密钥“{name}”&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="51"/>
        <source>Copy this key now and give it to the user. It will not be shown again: RelayDesk keeps only a fingerprint of it. If it is lost, revoke it and create a new one.</source>
        <translation>请立即复制此密钥并交给用户。密钥不会再次显示：RelayDesk 只保存它的指纹。如果丢失，请吊销后重新创建。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="63"/>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="64"/>
        <source>Copy the key to the clipboard</source>
        <translation>将密钥复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="69"/>
        <source>Copied to the clipboard.</source>
        <translation>已复制到剪贴板。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="77"/>
        <source>Clients use it as their OpenAI API key, with this base URL:</source>
        <translation>客户端将其作为 OpenAI API 密钥使用，Base URL 为：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="84"/>
        <source>HTTPS certificate (SHA-256): {pin}
Certificate file to hand out: {path}</source>
        <translation>HTTPS 证书（SHA-256）：{pin}
分发给客户端的证书文件：{path}</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="89"/>
        <source>Ready-to-paste settings for common clients:</source>
        <translation>常用客户端的配置（可直接粘贴）：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/key_created.py" line="97"/>
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
        <location filename="../../gui/main.py" line="121"/>
        <source>Wrong password.</source>
        <translation>密码错误。</translation>
    </message>
    <message>
        <location filename="../../gui/main.py" line="122"/>
        <source>Too many wrong passwords. Try again after {time} (UTC).</source>
        <translation>密码错误次数过多，请在 {time}（UTC）后重试。</translation>
    </message>
</context>
<context>
    <name>LogsModel</name>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="77"/>
        <source>Time (UTC)</source>
        <translation>时间（UTC）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="77"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="78"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="78"/>
        <source>Provider</source>
        <translation>服务商</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="79"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="79"/>
        <source>Prompt</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="80"/>
        <source>Cached</source>
        <translation>缓存</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="80"/>
        <source>Completion</source>
        <translation>补全</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="81"/>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="81"/>
        <source>Total ms</source>
        <translation>总耗时 ms</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="82"/>
        <source>TTFB ms</source>
        <translation>首字节 ms</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="82"/>
        <source>IP</source>
        <translation>IP</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="83"/>
        <source>Stream</source>
        <translation>流式</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="83"/>
        <source>Estimated</source>
        <translation>估算</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="84"/>
        <source>Written off</source>
        <translation>核销</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="108"/>
        <source>Prompt tokens</source>
        <translation>提示 Token 数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="108"/>
        <source>Cached prompt tokens</source>
        <translation>缓存命中的提示 Token 数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="109"/>
        <source>Completion tokens</source>
        <translation>补全 Token 数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="110"/>
        <source>Time to first byte, streamed requests only</source>
        <translation>首字节时间，仅限流式请求</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="111"/>
        <source>Token counts were estimated because the upstream did not report usage</source>
        <translation>上游未返回用量，Token 数为估算值</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="113"/>
        <source>What the provider reported beyond the request&apos;s hold: your loss, not charged to the user</source>
        <translation>服务商报告的超出本次请求预扣额的费用：由运营方承担，不向用户收取</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="283"/>
        <source>Request ID: {id}</source>
        <translation>请求 ID：{id}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="285"/>
        <source>Upstream model: {model}</source>
        <translation>上游模型：{model}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="287"/>
        <source>Error: {code}</source>
        <translation>错误：{code}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="289"/>
        <source>Failed over {n} time(s)</source>
        <translation>故障转移 {n} 次</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs_model.py" line="291"/>
        <source>Client: {agent}</source>
        <translation>客户端：{agent}</translation>
    </message>
</context>
<context>
    <name>LogsPage</name>
    <message>
        <location filename="../../gui/pages/logs.py" line="62"/>
        <source>New requests arrived. Scroll to the top to see them.</source>
        <translation>有新的请求。滚动到顶部即可查看。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="81"/>
        <source>Request logs</source>
        <translation>请求日志</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="86"/>
        <source>All users</source>
        <translation>全部用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="87"/>
        <source>All models</source>
        <translation>全部模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="89"/>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="89"/>
        <source>Successful</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="90"/>
        <source>Errors only</source>
        <translation>仅错误</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="93"/>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="95"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="97"/>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="98"/>
        <source>Show every request again</source>
        <translation>重新显示全部请求</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="101"/>
        <source>User:</source>
        <translation>用户：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="104"/>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="130"/>
        <source>Dates are in UTC, like the Time column</source>
        <translation>日期为 UTC，与“时间”列一致</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="297"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="299"/>
        <source>No requests have been relayed yet.</source>
        <translation>尚未中转任何请求。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="301"/>
        <source>No requests match these filters.</source>
        <translation>没有符合筛选条件的请求。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="303"/>
        <source>All {n} matching requests shown, newest first.</source>
        <translation>已显示全部 {n} 条匹配的请求，最新的在前。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/logs.py" line="305"/>
        <source>{n} most recent requests shown. Scroll down to load older ones.</source>
        <translation>已显示最近的 {n} 条请求。向下滚动可加载更早的请求。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../gui/main_window.py" line="93"/>
        <location filename="../../gui/main_window.py" line="125"/>
        <source>Relay stopped</source>
        <translation>中转服务已停止</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="96"/>
        <source>Copy URL</source>
        <translation>复制地址</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="97"/>
        <source>Copy the base URL clients should use</source>
        <translation>复制客户端应使用的 Base URL</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="100"/>
        <source>0 requests/min</source>
        <translation>0 个请求/分钟</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="110"/>
        <source>Copied {url}</source>
        <translation>已复制 {url}</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="115"/>
        <source>Relay running</source>
        <translation>中转服务运行中</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="120"/>
        <source>Relay starting…</source>
        <translation>中转服务正在启动…</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="122"/>
        <source>Relay not running: {why}</source>
        <translation>中转服务未运行：{why}</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="132"/>
        <source>{n} requests/min, {m} in flight</source>
        <translation>{n} 个请求/分钟，{m} 个处理中</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="147"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="148"/>
        <source>&amp;Export user data…</source>
        <translation>导出用户数据(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="151"/>
        <source>&amp;Backup now…</source>
        <translation>立即备份(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="153"/>
        <source>Export anonymized &amp;statistics…</source>
        <translation>导出匿名统计(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="158"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="160"/>
        <source>&amp;Relay</source>
        <translation>中转(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="161"/>
        <source>&amp;Start relay</source>
        <translation>启动中转服务(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="162"/>
        <source>S&amp;top relay</source>
        <translation>停止中转服务(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="163"/>
        <source>&amp;Restart relay</source>
        <translation>重启中转服务(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="168"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="169"/>
        <source>&amp;About RelayDesk</source>
        <translation>关于 RelayDesk(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="170"/>
        <source>Open &amp;data folder</source>
        <translation>打开数据文件夹(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="171"/>
        <source>&amp;Privacy policy</source>
        <translation>隐私政策(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="210"/>
        <source>Save anonymized statistics as</source>
        <translation>匿名统计另存为</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="214"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="226"/>
        <source>Wrote {n} rows of anonymized statistics to {path}</source>
        <translation>已将 {n} 行匿名统计写入 {path}</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="232"/>
        <source>About RelayDesk</source>
        <translation>关于 RelayDesk</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="233"/>
        <source>&lt;b&gt;RelayDesk {version}&lt;/b&gt;&lt;p&gt;An all-in-one AI API relay for your LAN: per-user keys, balances, exact metering and request logs.&lt;/p&gt;</source>
        <translation>&lt;b&gt;RelayDesk {version}&lt;/b&gt;&lt;p&gt;面向局域网的一站式 AI API 中转服务：按用户分配密钥、余额管理、精确计量和请求日志。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="254"/>
        <source>Show RelayDesk</source>
        <translation>显示 RelayDesk</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="256"/>
        <source>Quit RelayDesk</source>
        <translation>退出 RelayDesk</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="293"/>
        <source>RelayDesk keeps serving the LAN from the tray. Choose Quit RelayDesk there (or File → Quit) to stop the relay.</source>
        <translation>RelayDesk 在托盘中继续为局域网提供服务。要停止中转服务，请在托盘中选择“退出 RelayDesk”（或“文件 → 退出”）。</translation>
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
        <source>the model name clients send, e.g. deepseek-chat</source>
        <translation>客户端发送的模型名称，例如 deepseek-chat</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="36"/>
        <source>empty: same as input</source>
        <translation>留空则与输入价格相同</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="41"/>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="44"/>
        <source>The most completion tokens one request may cost; sent to the provider when the client names no limit. Default: the default max tokens setting.</source>
        <translation>单次请求最多可计费的补全令牌数；客户端未指定上限时发送给服务商。默认：使用“默认最大令牌数”设置。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="49"/>
        <source>Prices are in {currency} per 1,000,000 tokens. Cached input is what a prompt token costs when the provider reports it as cached.</source>
        <translation>价格单位为 {currency}/百万 Token。缓存输入价格适用于服务商报告为缓存命中的提示 Token。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="54"/>
        <source>{currency} / 1M tokens</source>
        <translation>{currency}/百万 Token</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="56"/>
        <source>&amp;Model:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="57"/>
        <source>&amp;Input:</source>
        <translation>输入(&amp;I)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="58"/>
        <source>&amp;Cached input:</source>
        <translation>缓存输入(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="59"/>
        <source>&amp;Output:</source>
        <translation>输出(&amp;O)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/price_edit.py" line="60"/>
        <source>Max output &amp;tokens:</source>
        <translation>最大输出令牌数(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>PricesPage</name>
    <message>
        <location filename="../../gui/pages/prices.py" line="41"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="42"/>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="44"/>
        <source>Cached input</source>
        <translation>缓存输入</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="46"/>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="48"/>
        <source>Max output tokens</source>
        <translation>最大输出令牌数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="50"/>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="52"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="64"/>
        <source>&amp;Add…</source>
        <translation>添加(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="64"/>
        <source>Price a new model</source>
        <translation>为新模型定价</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="67"/>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="67"/>
        <source>Change the selected price</source>
        <translation>修改所选价格</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="70"/>
        <source>&amp;Remove…</source>
        <translation>删除(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="70"/>
        <source>Stop pricing the selected model</source>
        <translation>取消所选模型的定价</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="72"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="72"/>
        <source>Reload the prices</source>
        <translation>重新加载价格</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="86"/>
        <source>Prices</source>
        <translation>价格</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="93"/>
        <source>{column} ({currency})</source>
        <translation>{column}（{currency}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="100"/>
        <source>Prices are in {currency} per 1,000,000 tokens. Users are charged for the tokens each request used: cached prompt tokens at the cached-input price, the rest of the prompt at the input price, the completion at the output price. Models without a price cannot be used through the relay.</source>
        <translation>价格单位为 {currency}/百万 Token。每个请求按实际用量向用户计费：缓存命中的提示 Token 按缓存输入价格，其余提示 Token 按输入价格，补全 Token 按输出价格。未定价的模型无法通过中转服务使用。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="157"/>
        <source>Remove price</source>
        <translation>删除价格</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="158"/>
        <source>Remove the price of {model}?</source>
        <translation>确定要删除 {model} 的价格吗？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="159"/>
        <source>Requests for this model will be refused until it is priced again.</source>
        <translation>重新定价之前，对该模型的请求将被拒绝。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/prices.py" line="160"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>PrivacyDialog</name>
    <message>
        <location filename="../../gui/dialogs/privacy.py" line="11"/>
        <source>Privacy policy</source>
        <translation>隐私政策</translation>
    </message>
</context>
<context>
    <name>ProviderEditDialog</name>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="64"/>
        <source>Add provider</source>
        <translation>添加服务商</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="65"/>
        <source>Edit provider {name}</source>
        <translation>编辑服务商 {name}</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="69"/>
        <source>e.g. deepseek-main</source>
        <translation>例如 deepseek-main</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="75"/>
        <source>Comma-separated, e.g. deepseek-chat, deepseek-reasoner</source>
        <translation>以逗号分隔，例如 deepseek-chat, deepseek-reasoner</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="79"/>
        <source>Higher priority providers are tried first.</source>
        <translation>优先级高的服务商会被优先使用。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="83"/>
        <source>Share of traffic among providers of equal priority.</source>
        <translation>同一优先级的服务商之间的流量分配比例。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="84"/>
        <source>Send requests to this provider</source>
        <translation>向此服务商转发请求</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="89"/>
        <source>The key is kept in the operating system&apos;s keyring, never in the database, and is never shown again.</source>
        <translation>密钥保存在操作系统的密钥环中，不会写入数据库，也不会再次显示。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="95"/>
        <source>Model clients ask for</source>
        <translation>客户端请求的模型</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="96"/>
        <source>Model sent upstream</source>
        <translation>发往上游的模型</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="100"/>
        <source>Optional: let clients ask for a model under another name; the relay sends the upstream name instead.</source>
        <translation>可选：允许客户端用别名请求模型，中转服务转发时改用上游名称。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="104"/>
        <source>Add mapping</source>
        <translation>添加映射</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="106"/>
        <source>Remove mapping</source>
        <translation>删除映射</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="118"/>
        <source>None (direct)</source>
        <translation>无（直连）</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="119"/>
        <source>System proxy</source>
        <translation>系统代理</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="120"/>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="122"/>
        <source>System proxy: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY from the relay&apos;s environment.</source>
        <translation>系统代理：使用中转服务运行环境中的 HTTP_PROXY、HTTPS_PROXY、ALL_PROXY 和 NO_PROXY。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="127"/>
        <source>http, https, socks5 or socks5h. A password goes to the keyring and is shown back as ***; leave *** to keep it.</source>
        <translation>支持 http、https、socks5 或 socks5h。密码保存在系统密钥环中，回显为 ***；保留 *** 即沿用已保存的密码。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="134"/>
        <source>One per line, e.g. OpenAI-Organization: org-…</source>
        <translation>每行一个，例如 OpenAI-Organization: org-…</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="139"/>
        <source>Optional: a PEM file of extra trusted CA certificates</source>
        <translation>可选：额外信任的 CA 证书（PEM 文件）</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="141"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="150"/>
        <source>Weight:</source>
        <translation>权重：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="155"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="156"/>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="157"/>
        <source>Base URL:</source>
        <translation>Base URL：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="158"/>
        <source>Models:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="159"/>
        <source>Model mapping:</source>
        <translation>模型映射：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="160"/>
        <source>Priority:</source>
        <translation>优先级：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="162"/>
        <source>API key:</source>
        <translation>API 密钥：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="164"/>
        <source>Proxy:</source>
        <translation>代理：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="165"/>
        <source>Extra headers:</source>
        <translation>附加请求头：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="166"/>
        <source>CA bundle:</source>
        <translation>CA 证书包：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="185"/>
        <source>Paste the provider&apos;s API key</source>
        <translation>粘贴服务商的 API 密钥</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="196"/>
        <source>A provider cannot be renamed; add a new one instead.</source>
        <translation>服务商不能重命名，请新建一个。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="206"/>
        <source>Key stored — leave empty to keep it</source>
        <translation>已保存密钥 — 留空则保持不变</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="207"/>
        <source>No key stored — paste the provider&apos;s API key</source>
        <translation>未保存密钥 — 请粘贴服务商的 API 密钥</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="219"/>
        <source>CA bundle</source>
        <translation>CA 证书包</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="220"/>
        <source>PEM certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>PEM 证书 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="303"/>
        <source>{why}
You can also clear the API key field and save the provider without a key for now.</source>
        <translation>{why}
也可以先清空 API 密钥一栏，暂不带密钥保存该服务商。</translation>
    </message>
</context>
<context>
    <name>ProvidersModel</name>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="90"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="90"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="91"/>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="91"/>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="92"/>
        <source>Health</source>
        <translation>健康状态</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="92"/>
        <source>Failures</source>
        <translation>失败次数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="93"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="93"/>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="94"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="94"/>
        <source>Mapping</source>
        <translation>映射</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="95"/>
        <source>Last test</source>
        <translation>最近测试</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="95"/>
        <source>Cool-down until</source>
        <translation>冷却至</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="96"/>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="96"/>
        <source>Base URL</source>
        <translation>Base URL</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="97"/>
        <source>Proxy</source>
        <translation>代理</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="151"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="151"/>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="153"/>
        <source>Stored</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="153"/>
        <source>Missing</source>
        <translation>未设置</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="156"/>
        <source>Cooling down ({seconds} s left)</source>
        <translation>冷却中（剩余 {seconds} 秒）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="158"/>
        <source>Healthy</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="158"/>
        <source>Cooling down</source>
        <translation>冷却中</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="159"/>
        <source>Not used yet</source>
        <translation>尚未使用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="178"/>
        <source>extra headers: {names}</source>
        <translation>附加请求头：{names}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="181"/>
        <source>CA bundle: {path}</source>
        <translation>CA 证书包：{path}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="186"/>
        <source>Direct</source>
        <translation>直连</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers_model.py" line="188"/>
        <source>System proxy</source>
        <translation>系统代理</translation>
    </message>
</context>
<context>
    <name>ProvidersPage</name>
    <message>
        <location filename="../../gui/pages/providers.py" line="57"/>
        <source>Upstream AI services the relay forwards to. Higher priority is tried first; equal priorities share traffic by weight. API keys stay in the system keyring.</source>
        <translation>中转服务转发请求的上游 AI 服务。优先级高的先使用；优先级相同时按权重分配流量。API 密钥保存在系统密钥环中。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="82"/>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="84"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="86"/>
        <source>Enter or double-click a row</source>
        <translation>按 Enter 或双击一行</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="87"/>
        <location filename="../../gui/pages/providers.py" line="213"/>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="89"/>
        <source>Remove…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="91"/>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="93"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="114"/>
        <source>Selected provider</source>
        <translation>所选服务商</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="117"/>
        <source>Base URL:</source>
        <translation>Base URL：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="117"/>
        <source>Models:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="118"/>
        <source>Mapping:</source>
        <translation>映射：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="119"/>
        <source>Health:</source>
        <translation>健康状态：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="119"/>
        <source>Connection:</source>
        <translation>连接：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="120"/>
        <source>Last error:</source>
        <translation>最近错误：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="120"/>
        <source>Last test:</source>
        <translation>最近测试：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="137"/>
        <source>Providers</source>
        <translation>服务商</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="212"/>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="229"/>
        <source>Cooling down for {seconds} more seconds after {n} failures in a row (live from the running relay).</source>
        <translation>连续失败 {n} 次，还需冷却 {seconds} 秒（来自运行中的中转服务的实时状态）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="233"/>
        <source>Cooling down until {time} after {n} failures in a row.</source>
        <translation>连续失败 {n} 次，冷却至 {time}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="236"/>
        <source>Healthy, but the last {n} requests failed.</source>
        <translation>状态正常，但最近 {n} 个请求失败。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="237"/>
        <source>Healthy.</source>
        <translation>正常。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="238"/>
        <source>Not used yet: health is recorded once requests go through the relay.</source>
        <translation>尚未使用：有请求经中转服务转发后才会记录健康状态。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="249"/>
        <source>Provider {name} added.</source>
        <translation>已添加服务商 {name}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="262"/>
        <source>Provider {name} saved.</source>
        <translation>已保存服务商 {name}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="270"/>
        <source>Provider {name} disabled: the relay no longer uses it.</source>
        <translation>已停用服务商 {name}：中转服务不再使用它。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="271"/>
        <source>Provider {name} enabled.</source>
        <translation>已启用服务商 {name}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="280"/>
        <source>Remove provider</source>
        <translation>删除服务商</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="281"/>
        <source>Remove the provider {name}? Its stored API key is deleted from the keyring too. Request logs keep their history.</source>
        <translation>确定要删除服务商 {name} 吗？其保存的 API 密钥也会从密钥环中删除。请求日志中的历史记录将保留。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="291"/>
        <source>Provider {name} removed.</source>
        <translation>已删除服务商 {name}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="159"/>
        <location filename="../../gui/pages/providers.py" line="303"/>
        <source>Testing…</source>
        <translation>测试中…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="306"/>
        <source>Testing {name}…</source>
        <translation>正在测试 {name}…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="334"/>
        <source>OK, {ms} ms</source>
        <translation>正常，{ms} ms</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="320"/>
        <source>{name} answered in {ms} ms.</source>
        <translation>{name} 已响应，用时 {ms} ms。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="335"/>
        <source>Failed: {why}</source>
        <translation>失败：{why}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/providers.py" line="323"/>
        <source>{name} failed the test: {why}</source>
        <translation>{name} 测试失败：{why}</translation>
    </message>
</context>
<context>
    <name>QWidget</name>
    <message>
        <location filename="../../gui/dialogs/provider_edit.py" line="47"/>
        <source>OpenAI or compatible</source>
        <translation>OpenAI 或兼容接口</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="36"/>
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
        <location filename="../../gui/dialogs/recharge.py" line="70"/>
        <location filename="../../gui/dialogs/recharge.py" line="90"/>
        <source>Recharge</source>
        <translation>充值</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="77"/>
        <source>for example 100 or 12.50</source>
        <translation>例如 100 或 12.50</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="83"/>
        <source>optional, for example the receipt number</source>
        <translation>可选，例如收据号</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="86"/>
        <source>&amp;User:</source>
        <translation>用户(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="87"/>
        <source>&amp;Amount:</source>
        <translation>金额(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="88"/>
        <source>&amp;Method:</source>
        <translation>支付方式(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/recharge.py" line="89"/>
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
    <name>SettingsPage</name>
    <message>
        <location filename="../../gui/pages/settings.py" line="61"/>
        <source>Computers on the LAN (all network interfaces)</source>
        <translation>局域网内的计算机（所有网络接口）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="62"/>
        <source>This computer only (127.0.0.1)</source>
        <translation>仅本机（127.0.0.1）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="65"/>
        <source>any free port</source>
        <translation>任意空闲端口</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="67"/>
        <source>Restart relay</source>
        <translation>重启中转服务</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="69"/>
        <source>Saving a new address or port offers to restart the relay at once. Connected clients are disconnected briefly.</source>
        <translation>保存新的地址或端口时，可以立即重启中转服务。已连接的客户端会短暂断开。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="75"/>
        <source>Listen for:</source>
        <translation>允许访问：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="76"/>
        <source>Port:</source>
        <translation>端口：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="77"/>
        <source>Relay</source>
        <translation>中转服务</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="81"/>
        <source>Request logs:</source>
        <translation>请求日志：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="82"/>
        <source>Payment records:</source>
        <translation>支付记录：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="83"/>
        <source>Login and security events:</source>
        <translation>登录与安全事件：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="88"/>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="93"/>
        <source>Purge now…</source>
        <translation>立即清理…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="94"/>
        <source>Delete what is older than the saved periods now, instead of waiting for the daily clean-up</source>
        <translation>现在就删除超过已保存保留期限的记录，而不必等待每日自动清理</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="107"/>
        <source>Keep records</source>
        <translation>记录保留</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="108"/>
        <source>How long each kind of record is kept before it is deleted.</source>
        <translation>各类记录在删除前保留的时长。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="113"/>
        <source>Change admin password…</source>
        <translation>修改管理员密码…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="115"/>
        <source>Admin access</source>
        <translation>管理访问</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="116"/>
        <source>Computers allowed to use the admin API, one address or network per line.</source>
        <translation>允许使用管理 API 的计算机，每行一个地址或网段。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="118"/>
        <source>This computer (127.0.0.1 and ::1) is always allowed, whatever the list says, so you cannot lock yourself out.</source>
        <translation>无论列表如何设置，本机（127.0.0.1 和 ::1）始终被允许，因此您不会把自己锁在外面。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="130"/>
        <source>Automatic (follow the system)</source>
        <translation>自动（跟随系统）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="137"/>
        <source>Used from the next start.</source>
        <translation>下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="140"/>
        <source>Chosen at first start; balances and prices use it.</source>
        <translation>首次启动时选定，余额和价格均使用此货币。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="143"/>
        <source>Start RelayDesk when I log in, in the tray</source>
        <translation>登录时在托盘中启动 RelayDesk</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="147"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="148"/>
        <source>Currency:</source>
        <translation>货币：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="150"/>
        <source>Interface</source>
        <translation>界面</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="156"/>
        <source>Discard changes</source>
        <translation>放弃更改</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="158"/>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="204"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="227"/>
        <source>Only the address {host}</source>
        <translation>仅地址 {host}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="275"/>
        <source>Nothing to save.</source>
        <translation>没有需要保存的更改。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="298"/>
        <source>Not saved: {errors}</source>
        <translation>未保存：{errors}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="301"/>
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="303"/>
        <source>The new language is used from the next start.</source>
        <translation>新语言将在下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="320"/>
        <source>Not saved: port {port} is already used by another program on this computer; choose another.</source>
        <translation>未保存：端口 {port} 已被本机上的其他程序占用，请换一个。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="325"/>
        <source>Restart the relay</source>
        <translation>重启中转服务</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="326"/>
        <source>The relay must restart to use the new settings. Restart it now? Clients in the middle of a request see it end.</source>
        <translation>中转服务需要重启才能使用新设置。现在重启吗？正在进行中的请求会被中断。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="328"/>
        <source>Restart now</source>
        <translation>立即重启</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="329"/>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="334"/>
        <source>Settings saved. The relay uses them from its next restart.</source>
        <translation>设置已保存。中转服务下次重启时生效。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="341"/>
        <source>Restarting the relay…</source>
        <translation>正在重启中转服务…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="348"/>
        <source>The relay is running at {url}.</source>
        <translation>中转服务正在 {url} 运行。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="351"/>
        <source>The relay could not start: {why}</source>
        <translation>中转服务无法启动：{why}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="363"/>
        <source>Could not change the start at log-in: {why}</source>
        <translation>无法更改登录时启动：{why}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="369"/>
        <source>RelayDesk starts in the tray when you log in.</source>
        <translation>登录时 RelayDesk 将在托盘中启动。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="370"/>
        <source>RelayDesk no longer starts when you log in.</source>
        <translation>登录时不再启动 RelayDesk。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="378"/>
        <source>Admin password changed.</source>
        <translation>管理员密码已修改。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="384"/>
        <source>Save or discard your changes to the retention periods first.</source>
        <translation>请先保存或放弃对保留期限的更改。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="391"/>
        <source>Nothing is older than the retention periods; there is nothing to delete.</source>
        <translation>没有超过保留期限的记录，无需删除。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="399"/>
        <source>Deleting old records…</source>
        <translation>正在删除旧记录…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="412"/>
        <source>Another RelayDesk process is deleting old records right now; try again later.</source>
        <translation>另一个 RelayDesk 进程正在删除旧记录，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="417"/>
        <source>Deleted {logs} request logs, {payments} payment records and {events} login and security events; folded {entries} ledger entries into {carries} carried-forward entries.</source>
        <translation>已删除 {logs} 条请求日志、{payments} 条支付记录和 {events} 条登录与安全事件；已将 {entries} 条账目合并为 {carries} 条结转记录。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="427"/>
        <source>Purge old records</source>
        <translation>清理旧记录</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="428"/>
        <source>This will delete {logs} request logs older than {log_days} days, {payments} payment records older than {payment_days} days and {events} login and security events older than {security_days} days, and fold {entries} ledger entries older than {payment_days} days into {carries} carried-forward entries.</source>
        <translation>将删除 {logs} 条超过 {log_days} 天的请求日志、{payments} 条超过 {payment_days} 天的支付记录和 {events} 条超过 {security_days} 天的登录与安全事件，并将 {entries} 条超过 {payment_days} 天的账目合并为 {carries} 条结转记录。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="434"/>
        <source>Balances do not change: each user&apos;s old ledger entries become one entry carrying their total forward. Pending payments and operator actions are kept. This cannot be undone.</source>
        <translation>余额不会改变：每位用户的旧账目会合并为一条结转其总额的记录。待支付的订单和操作员的操作记录会保留。此操作无法撤销。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/settings.py" line="437"/>
        <source>Delete old records</source>
        <translation>删除旧记录</translation>
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
        <location filename="../../gui/dialogs/user_edit.py" line="39"/>
        <source>Add user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="40"/>
        <source>Edit user {user}</source>
        <translation>编辑用户 {user}</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="46"/>
        <source>letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;</source>
        <translation>字母、数字、“.”、“_”或“-”</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="48"/>
        <source>name@example.com</source>
        <translation>name@example.com</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="50"/>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="54"/>
        <source>leave empty to keep the current password</source>
        <translation>留空则保留当前密码</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="55"/>
        <source>optional, at least 8 characters</source>
        <translation>可选，至少 8 个字符</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="58"/>
        <source>Programs that call the relay use API keys, not this password: create them with API keys… on the Users page.</source>
        <translation>调用中转服务的程序使用 API 密钥，而不是此密码：请在“用户”页面通过“API 密钥…”创建。</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="67"/>
        <source>Username:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="68"/>
        <source>Email:</source>
        <translation>邮箱：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="69"/>
        <source>Phone:</source>
        <translation>电话：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="70"/>
        <source>New password:</source>
        <translation>新密码：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="70"/>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="71"/>
        <source>Repeat password:</source>
        <translation>确认密码：</translation>
    </message>
    <message>
        <location filename="../../gui/dialogs/user_edit.py" line="104"/>
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
        <location filename="../../gui/pages/users.py" line="113"/>
        <source>Search username, email or phone (Ctrl+F)</source>
        <translation>搜索用户名、邮箱或电话（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="123"/>
        <source>&amp;Add…</source>
        <translation>添加(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="123"/>
        <source>Add a user (Ctrl+N)</source>
        <translation>添加用户（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="125"/>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="126"/>
        <source>Change email, phone or password (Enter)</source>
        <translation>修改邮箱、电话或密码（Enter）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="128"/>
        <location filename="../../gui/pages/users.py" line="275"/>
        <source>&amp;Disable</source>
        <translation>停用(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="129"/>
        <source>De&amp;lete…</source>
        <translation>删除(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="130"/>
        <source>Delete the user and their keys (Delete)</source>
        <translation>删除该用户及其密钥（Delete）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="132"/>
        <source>API &amp;keys…</source>
        <translation>API 密钥(&amp;K)…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="133"/>
        <source>Create or revoke the user&apos;s keys (Ctrl+K)</source>
        <translation>创建或吊销该用户的密钥（Ctrl+K）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="180"/>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="233"/>
        <source>No user matches “{text}”.</source>
        <translation>没有与“{text}”匹配的用户。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="235"/>
        <source>One user matches “{text}”.</source>
        <translation>有 1 个用户与“{text}”匹配。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="237"/>
        <source>{count} users match “{text}”.</source>
        <translation>有 {count} 个用户与“{text}”匹配。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="240"/>
        <source>No users yet. Press Ctrl+N to add the first one.</source>
        <translation>还没有用户。按 Ctrl+N 添加第一个用户。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="242"/>
        <source>One user</source>
        <translation>共 1 个用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="244"/>
        <source>{count} users</source>
        <translation>共 {count} 个用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="272"/>
        <source>E&amp;nable</source>
        <translation>启用(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="273"/>
        <source>Let the user&apos;s keys work again</source>
        <translation>恢复该用户密钥的使用</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="276"/>
        <source>Stop the user&apos;s keys from working until enabled again; nothing is deleted</source>
        <translation>停用该用户的密钥，直到重新启用；不会删除任何数据</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="338"/>
        <location filename="../../gui/pages/users.py" line="339"/>
        <source>Delete user</source>
        <translation>删除用户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="338"/>
        <source>Delete the user {user}?</source>
        <translation>确定要删除用户 {user} 吗？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="329"/>
        <source>Their profile, API keys and login history are erased. Request logs and payment records are kept de-identified until their retention period ends. This cannot be undone.</source>
        <translation>该用户的资料、API 密钥和登录历史将被清除。请求日志和支付记录会去标识化保留，直至保留期结束。此操作无法撤销。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/users.py" line="334"/>
        <source>{user} still has a balance of {amount}. It stays with the de-identified payment records and can still be refunded by order number.</source>
        <translation>{user} 仍有余额 {amount}。该余额随去标识化的支付记录保留，仍可按订单号退款。</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../../gui/main.py" line="46"/>
        <location filename="../../gui/main.py" line="75"/>
        <source>RelayDesk is already running for this data folder.</source>
        <translation>已有 RelayDesk 正在使用此数据文件夹。</translation>
    </message>
    <message>
        <location filename="../../gui/main.py" line="141"/>
        <source>Open RelayDesk</source>
        <translation>打开 RelayDesk</translation>
    </message>
    <message>
        <location filename="../../gui/main.py" line="143"/>
        <source>Quit RelayDesk</source>
        <translation>退出 RelayDesk</translation>
    </message>
</context>
</TS>
