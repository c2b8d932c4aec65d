"""Concerns raised through chat (键对键, N13/N14/N18): tickets, routing, anonymity, replies, deadlines,
the crisis fast path, common problems and abuse limits. Handlers live in `handlers/concerns.py`.

Example: a student writes "3号楼热水器坏了 报修一周没人来" and gets "已收到，编号 #153 ...".
"""
