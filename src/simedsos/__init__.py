"""SIMEDSOS JDIH: the social-media work of a JDIH unit, run by its SOP."""
