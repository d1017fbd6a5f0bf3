"""flags"""
