"""Channel adapters at the edge: WeCom, the Official Account, their XML, cards and bindings (only they use wechatpy)."""
