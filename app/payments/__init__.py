"""Online top-ups through the Epay and HupiJiao gateways (issue 17): signing and requests per
protocol (:mod:`.epay`, :mod:`.hupijiao`), gateway settings and secrets (:mod:`.gateways`), the
orders and their exactly-once crediting (:mod:`.orders`) and the gateway calls (:mod:`.client`).
"""
