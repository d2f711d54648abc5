"""The organisations a partnership is made of: who they are, their sector, which members speak
for them, and the directory members see."""
