#!/usr/bin/env python3
"""Generate the demo consortium's catalogue feeds (config/demo/feeds/, feeds.toml, README counts).

Six FICTIONAL universities publish micro-credentials: five as native Climbing Frame JSON feeds
(docs/feed-format.md) and one as an XCRI-CAP 1.2 XML feed. A seventh, the onboarding member, is written by
make_onboarding_feed.py (called at the end) the way real university feeds are. Everything here is invented: the
institutions, their UKPRN-like identifiers (100990xx) and the ``.ac.example`` domains.

Each course's learning outcomes, summary and aims are written from its own topics (the key concepts and
sub-topics on its pool line) in sentence frames chosen per course, so unrelated courses do not read alike
and overlap detection flags the planted overlaps, not shared boilerplate.

The output is deterministic: one fixed random seed and a fixed "generated" timestamp, so running the
script twice gives byte-identical files. Standard library only.

    python deploy/demo/make_demo_feeds.py            # writes config/demo/feeds/*, config/demo/feeds.toml
    python deploy/demo/make_demo_feeds.py --out DIR  # somewhere else (DIR/feeds/..., DIR/feeds.toml)

Deliberate oddities, so the demo has something to show (see config/demo/README.md):
  * two invalid records in the Kingsbridge feed (quarantined by the harvester),
  * three withdrawn courses in the Northmoor feed,
  * near-duplicate courses offered by two providers (for overlap detection),
  * pathways (stackable awards) published by Wychbury and referenced from its courses,
  * declared exclusions ("excludes"): a Kingsbridge module and its replacement, and a syllabus Northmoor and
    Caerwyn teach together.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import make_onboarding_feed  # beside this script

SEED = 20260115
GENERATED = "2026-01-15T06:00:00Z"
ROOT = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------------------------------
# Course text: outcomes, summaries and aims are written from each course's OWN topics (its pool line's key
# concepts and sub-topics), in sentence frames that carry few words of their own. The frames for one course
# are chosen by a random generator seeded from the course (SEED, provider, title), so two unrelated courses
# rarely share a frame and never share content: only courses that teach the same things read alike.
# Outcome tiers: 1 = describe/explain (levels 4-5), 2 = apply/analyse, 3 = evaluate/synthesise/design
# (levels 6-8). In the frames {x} is the topic an outcome is about and {y} a second topic of the same course.
# ---------------------------------------------------------------------------------------------------

OUTCOME_FRAMES: dict[int, list[str]] = {
    1: [
        "Describe {x}.",
        "Explain {x}.",
        "Outline {x} and {y}.",
        "Explain how {x} relates to {y}.",
        "Identify the main elements of {x}.",
        "Describe the stages of {x}.",
        "Summarise {x}.",
        "Explain why {x} matters for {y}.",
        "Recognise examples of {x}.",
        "Define the key terms of {x}.",
        "Describe {x} and {y}.",
        "Explain the difference between {x} and {y}.",
        "Give an accurate account of {x}.",
        "Identify where {x} fits alongside {y}.",
        "Describe common errors in {x}.",
        "Explain, with examples, how {x} works.",
        "Explain {x} to a peer.",
        "Describe how {x} and {y} connect.",
        "Illustrate {x} with examples.",
        "Recognise the link between {x} and {y}.",
    ],
    2: [
        "Apply {x} to a given case.",
        "Apply {x}, recording each decision.",
        "Analyse {x} in a chosen example.",
        "Carry out {x} and report the results.",
        "Compare approaches to {x}.",
        "Apply {x} and {y} together.",
        "Interpret evidence about {x}.",
        "Analyse how {x} affects {y}.",
        "Use {x} to inform {y}.",
        "Select and apply methods for {x}.",
        "Investigate {x} in your own setting.",
        "Prepare a guide to {x} for non-specialists.",
        "Work through examples of {x}.",
        "Examine the part played by {x} in {y}.",
        "Plan and carry out work on {x}.",
        "Analyse a worked example of {x}.",
        "Apply {x} within given constraints.",
        "Diagnose problems with {x}.",
        "Present findings on {x} and {y}.",
        "Use {y} to check {x}.",
        "Break {x} down into steps and carry them out.",
        "Apply {x} in the context of {y}.",
    ],
    3: [
        "Critically evaluate {x}.",
        "Critically evaluate approaches to {x}.",
        "Design an approach to {x} that draws on {y}.",
        "Evaluate the limits of {x}.",
        "Justify decisions about {x}.",
        "Synthesise evidence on {x} and {y}.",
        "Critically compare {x} and {y}.",
        "Propose improvements to {x}.",
        "Critically reflect on your approach to {x}.",
        "Develop a plan that brings together {x} and {y}.",
        "Appraise the evidence on {x}.",
        "Evaluate how {x} and {y} interact.",
        "Construct an argument about {x}.",
        "Weigh the risks and benefits of {x}.",
        "Lead work on {x} and evaluate the outcome.",
        "Judge when to use {x} rather than {y}.",
        "Design and refine a solution for {x}.",
        "Advise others on {x} and {y}.",
        "Evaluate recent developments in {x}.",
        "Frame questions about {x} and plan how to answer them.",
        "Critically assess the assumptions behind {x}.",
        "Integrate {x} into {y}.",
    ],
}

# Summary openings and aims: {a} {b} {c} are the course's key concepts, {d} {e} {f} its sub-topics.
SUMMARY_FRAMES = [
    "A course on {a}, with practical work on {d} and {e}.",
    "{a} and {b} are at the heart of this course, which also covers {d}.",
    "You will learn about {a} and {c}, and put {e} into practice.",
    "The course works through {d}, {e} and {f}, building towards confident use of {a}.",
    "Starting from {a}, the course moves on to {b} and {f}.",
    "Covers {a}, {b} and {c}, with worked examples of {d}.",
    "Study {b} alongside {a}, with exercises on {e}.",
    "This course gives you a grounding in {a} and hands-on experience of {d}.",
    "Through case studies on {e} and {f}, the course develops your grasp of {a}.",
    "Explore {a}, from {d} to {f}.",
    "Learn {b} and {c} step by step, using {e} as a running example.",
    "Focused on {a}, the course also takes in {f} and {d}.",
]

AIM_FRAMES = [
    "To develop learners' understanding of {a} and their ability to apply {b}.",
    "To equip learners to work confidently with {a}, {d} and {e}.",
    "To build practical capability in {b}, grounded in {a}.",
    "To give learners a secure grasp of {a} and {c}.",
    "To prepare learners to take responsibility for {a} in their own work, including {e}.",
    "To develop critical, well-informed practice in {a} and {f}.",
    "To enable learners to plan and evaluate work involving {b} and {d}.",
    "To introduce {a} and {c} and build skill in {e}.",
    "To extend learners' expertise in {a}, with particular attention to {d}.",
    "To help learners make sound judgements about {b} and {f}.",
]

# The generator used to fill per-family templates shared by every course of a family. The draws it made from
# the main random generator are still made, in the same order (the number of outcomes and their tiers are
# still taken from them), so that every other generated value (ids, levels, fees, dates, places) is as before:
# per family, the number of outcome templates of tier 1, 2 and 3, of summary hooks and of aims it had.
LEGACY_DRAWS: dict[str, tuple[tuple[int, int, int], int, int]] = {
    "computing": ((3, 4, 5), 5, 3), "health": ((3, 4, 5), 5, 3), "business": ((3, 4, 5), 5, 3),
    "law": ((2, 3, 4), 4, 2), "education": ((2, 3, 4), 4, 2), "engineering": ((2, 4, 4), 4, 2),
    "environment": ((2, 3, 4), 4, 2), "psychology": ((2, 3, 3), 3, 2), "builtenv": ((1, 3, 3), 3, 2),
    "humanities": ((2, 3, 3), 3, 2),
}

# ---------------------------------------------------------------------------------------------------
# Subject families: audiences, skills, assessment, entry notes.
# ---------------------------------------------------------------------------------------------------

FAMILIES: dict[str, dict] = {
    "computing": {
        "audience": [
            "Suited to analysts, developers and technical professionals who want a recognised, assessed qualification.",
            "Ideal if you already work with data or software and want to formalise and extend your skills.",
            "Aimed at graduates and career changers moving into technical roles.",
        ],
        "skills": [
            "Python programming", "SQL", "data visualisation", "version control (Git)", "statistical reasoning",
            "technical writing", "problem decomposition", "testing and debugging", "cloud services",
            "data ethics", "stakeholder communication", "Linux command line", "documentation", "requirements analysis",
        ],
        "assessment": [
            "Portfolio of weekly lab notebooks", "Technical report ({w} words)", "Timed online examination (90 minutes)",
            "Recorded presentation of a working prototype (10 minutes)", "Individual coding project with a short design rationale",
            "Online multiple-choice test (60 minutes)", "Group mini-project with an individual reflective statement ({s} words)",
            "Code review exercise and written critique ({s} words)",
        ],
        "entry": "Some prior programming experience (for example, Python or R) is expected.",
    },
    "health": {
        "audience": [
            "For registered nurses, allied health professionals and experienced health and care support staff.",
            "Suited to practitioners working in acute, community or primary care settings.",
            "Ideal for health and care staff seeking assessed, credit-bearing CPD.",
        ],
        "skills": [
            "clinical reasoning", "person-centred care", "reflective practice", "evidence-based practice",
            "risk assessment", "safeguarding", "multidisciplinary working", "health literacy", "record keeping",
            "quality improvement", "compassionate communication", "shared decision-making", "infection prevention",
        ],
        "assessment": [
            "Reflective case study ({w} words)", "Practice portfolio signed off by a practice assessor",
            "Objective structured clinical examination (OSCE)", "Critical literature review ({w} words)",
            "Quality improvement poster and viva (15 minutes)", "Timed online examination (2 hours)",
            "Observed practice assessment in the workplace", "Patient information leaflet with critical rationale ({s} words)",
        ],
        "entry": "You must be working in a relevant health or care role for the duration of the course.",
    },
    "business": {
        "audience": [
            "For new and aspiring managers, team leaders and specialists moving into management.",
            "Suited to professionals in the private, public and third sectors.",
            "Ideal for employees whose organisation sponsors their development.",
        ],
        "skills": [
            "strategic thinking", "financial literacy", "stakeholder management", "negotiation", "business writing",
            "decision-making", "change management", "data-informed decision-making", "coaching", "presentation skills",
            "team leadership", "commercial awareness", "risk management", "critical thinking",
        ],
        "assessment": [
            "Work-based assignment ({w} words)", "Business report ({w} words)", "Recorded pitch to a panel (10 minutes)",
            "Reflective learning log ({s} words)", "Case study examination (2 hours, open book)", "Individual presentation (15 minutes)",
            "Strategic plan for your own organisation ({w} words)", "Online test (45 minutes)",
        ],
        "entry": "Applicants should be in, or have access to, a workplace where they can apply their learning.",
    },
    "law": {
        "audience": [
            "For professionals in compliance, HR, health, property and public services, and for law graduates.",
            "Suited to paralegals, managers and advisers whose roles involve legal judgement.",
        ],
        "skills": [
            "legal research", "legal writing", "problem analysis", "statutory interpretation", "case analysis",
            "risk assessment", "advocacy", "drafting", "ethical judgement", "critical thinking",
        ],
        "assessment": [
            "Problem question ({w} words)", "Advice letter to a client ({s} words)", "Timed online examination (2 hours)",
            "Research essay ({w} words)", "Moot or oral presentation (15 minutes)", "Seen case study examination (3 hours)",
        ],
        "entry": "",
    },
    "education": {
        "audience": [
            "For teachers, lecturers, trainers and learning technologists in schools, colleges, universities and workplaces.",
            "Suited to early-career academic staff and graduate teaching assistants.",
        ],
        "skills": [
            "curriculum design", "inclusive practice", "assessment design", "feedback literacy", "digital pedagogy",
            "reflective practice", "learning technology", "mentoring", "classroom research", "evaluation",
        ],
        "assessment": [
            "Teaching portfolio with annotated evidence", "Reflective account ({w} words)",
            "Peer observation of teaching and written response ({s} words)", "Learning design proposal ({w} words)",
            "Presentation to peers (15 minutes)", "Practitioner enquiry report ({w} words)",
        ],
        "entry": "You must be teaching or supporting learning for at least 20 hours during the course.",
    },
    "engineering": {
        "audience": [
            "For practising engineers and technicians working towards professional registration.",
            "Suited to engineering graduates and apprentices seeking specialist, credit-bearing study.",
        ],
        "skills": [
            "engineering design", "numerical modelling", "CAD", "finite element analysis", "risk assessment",
            "technical report writing", "systems thinking", "MATLAB", "laboratory practice", "project planning",
            "sustainability assessment", "health and safety",
        ],
        "assessment": [
            "Design report ({w} words)", "Laboratory or simulation report ({s} words)", "Timed examination (2 hours)",
            "Technical presentation (15 minutes)", "Problem sheets (four, equally weighted)", "Design review and viva (20 minutes)",
        ],
        "entry": "A working knowledge of engineering mathematics is assumed.",
    },
    "environment": {
        "audience": [
            "For sustainability officers, land managers, consultants, planners and community organisers.",
            "Suited to graduates in science, geography or engineering and to professionals changing sector.",
        ],
        "skills": [
            "environmental monitoring", "GIS", "carbon accounting", "stakeholder engagement", "field survey",
            "data analysis", "policy analysis", "report writing", "life-cycle thinking", "project planning",
            "biodiversity assessment",
        ],
        "assessment": [
            "Field or data report ({w} words)", "Policy briefing ({s} words)", "Site management plan ({w} words)",
            "Poster presentation (10 minutes)", "Online test (60 minutes)", "Carbon or biodiversity audit of a chosen organisation",
        ],
        "entry": "",
    },
    "psychology": {
        "audience": [
            "For professionals in HR, education, health and coaching, and for psychology graduates.",
            "Suited to anyone with an interest in applied psychology who wants an assessed, credit-bearing course.",
        ],
        "skills": [
            "research methods", "critical appraisal", "statistical analysis", "qualitative analysis", "research ethics",
            "active listening", "behaviour change", "scientific writing", "psychometric assessment", "evidence synthesis",
        ],
        "assessment": [
            "Critical review ({w} words)", "Research proposal ({s} words)", "Data analysis report ({w} words)",
            "Online examination (90 minutes)", "Applied case study ({w} words)", "Recorded presentation (10 minutes)",
        ],
        "entry": "",
    },
    "builtenv": {
        "audience": [
            "For surveyors, construction managers and property professionals preparing for the RICS Assessment of Professional Competence.",
            "Suited to built-environment graduates and experienced technicians.",
        ],
        "skills": [
            "measurement", "cost planning", "contract administration", "property valuation", "building pathology",
            "BIM", "professional ethics", "client care", "report writing", "building regulations",
        ],
        "assessment": [
            "Professional report ({w} words)", "Case study ({w} words)", "Timed examination (2 hours)",
            "Presentation and interview (20 minutes)", "Practical measurement exercise",
        ],
        "entry": "",
    },
    "humanities": {
        "audience": [
            "For heritage, museum and tourism staff, volunteers and community groups.",
            "Suited to anyone with an interest in history and heritage who wants a credit-bearing course.",
        ],
        "skills": [
            "archival research", "interpretation", "collections care", "community engagement", "oral history",
            "public writing", "visitor research", "project planning", "digital storytelling",
        ],
        "assessment": [
            "Research essay ({w} words)", "Interpretation plan ({s} words)", "Object or site report ({s} words)",
            "Public talk or podcast (10 minutes)", "Portfolio of short pieces",
        ],
        "entry": "",
    },
}

# ---------------------------------------------------------------------------------------------------
# Areas: a subject family, a default HECoS code, PSRB bodies and a pool of course lines.
# Course line: "LEVEL|Title|concept a;concept b;concept c;sub-topic d;sub-topic e;sub-topic f|HECoS[+HECoS]|flags"
#   The three key concepts come first, then the course's more specific sub-topics: its outcomes, summary and
#   aims are written about these, so every course's text is its own.
#   LEVEL is the FHEQ-equivalent level (4-8), converted to SCQF/CQFW by the provider.
#   flags: p = PSRB recognition; c10/c15/c20/c30 = credit in CATS; L = learner-led; C = cohort;
#          k:PW core of pathway PW, o:PW option, cap:PW capstone (also core).
# Pools are consumed in order by the providers that list the area (see PROVIDERS).
# ---------------------------------------------------------------------------------------------------

AREAS: dict[str, dict] = {
    "data": {"family": "computing", "code": "DS", "hecos": "100755",
             "psrb": [("British Computer Society (BCS)", "accredited")],
             "skills": ["pandas", "R", "Jupyter notebooks", "data wrangling", "machine learning", "dashboard design"],
             "pool": """
7|Foundations of Applied Data Science|the data science lifecycle;reproducible analysis in Python;data quality assessment;framing an analytical question;notebook hygiene and environment pinning;missing-value audits|100755|c15,k:pgcert-applied-data-science,p,C
7|Statistical Modelling for Data Scientists|generalised linear models;model diagnostics;inference under uncertainty;logistic and Poisson regression;residual and leverage plots;confidence intervals for model coefficients|101030|c15,k:pgcert-applied-data-science,C
7|Applied Data Science Project|end-to-end project delivery;stakeholder requirements;communicating analytical findings;scoping workshops with a client;project retrospectives;handover documentation for analytical products|100755|c15,cap:pgcert-applied-data-science,C
7|Data Visualisation and Storytelling|perceptual principles of visualisation;interactive dashboards;narrative structure in data stories;colour palettes for accessible charts;annotation and emphasis;dashboard wireframing|100755|c15,o:pgcert-applied-data-science
7|Databases and Data Engineering for Analysts|relational data modelling;SQL query optimisation;batch data pipelines;star schemas for reporting;query plans and indexing;scheduled extract-transform-load jobs|100754|c15,o:pgcert-applied-data-science
7|Natural Language Processing with Python|text pre-processing;word embeddings;transformer-based text classification;tokenisation and stemming;named entity recognition;sentiment classification of reviews|100992|c15,o:pgcert-applied-data-science
7|Time Series Analysis and Forecasting|ARIMA and state-space models;seasonality and trend decomposition;forecast evaluation;autocorrelation plots;exponential smoothing;rolling-origin backtesting|101030|c15,o:pgcert-applied-data-science
7|Bayesian Data Analysis|prior elicitation;Markov chain Monte Carlo;hierarchical models;posterior predictive checks;Stan model code;convergence diagnostics for samplers|100406|c15,o:pgcert-applied-data-science
6|Introduction to Python for Data Analysis|Python data structures;exploratory data analysis;the pandas library;lists, dictionaries and loops;reading CSV files;grouped summaries with groupby|100755|L
6|SQL for Business Reporting|relational queries;aggregation and window functions;report automation;joins across sales tables;running totals and rankings;scheduled monthly reports|100754|L
6|Data Ethics and Governance|UK GDPR;algorithmic bias;data sharing agreements;lawful bases for processing;bias audits of scoring systems;data protection impact assessments|100755|
5|Spreadsheet Modelling and Data Literacy|spreadsheet modelling;descriptive statistics;data cleaning;lookup formulas;pivot tables;spotting misleading charts|100755|L
6|Geospatial Data Analysis|coordinate reference systems;spatial joins;choropleth mapping;shapefiles and GeoPackages;buffer and overlay operations;census boundary data|100369|
7|Causal Inference for Policy Evaluation|counterfactual reasoning;difference-in-differences designs;propensity score methods;directed acyclic graphs;parallel trends assumptions;regression discontinuity|101030|
6|Survey Design and Analysis|questionnaire design;sampling strategies;weighting survey data;question wording and order effects;non-response bias;complex survey weights|101030|
7|Health Data Science|electronic health records;clinical coding;cohort study design;SNOMED CT and ICD-10 codes;record linkage of hospital episodes;trusted research environments|100994|
6|Data Analytics with Power BI|data modelling in Power BI;DAX measures;dashboard publishing;Power Query transformations;row-level security;report sharing in workspaces|100755|L
7|Experimental Design and A/B Testing|randomised experiments;statistical power;sequential testing;minimum detectable effect;guardrail metrics;peeking and false discoveries|101030|
8|Research Data Management for Doctoral Researchers|data management plans;FAIR principles;long-term data preservation;metadata standards;repository deposit;handling sensitive research data|100755|L
6|Data Science for Environmental Monitoring|sensor networks;environmental time series;anomaly detection;low-cost air quality sensors;gap filling in sensor records;river level alerts|100755|
7|Applied Multivariate Statistics|principal component analysis;cluster analysis;structural equation modelling;factor loadings;hierarchical and k-means clustering;path diagrams|101030|
6|Open Data and Data Journalism|open government data;data verification;visual reporting;freedom of information requests;fact-checking numbers;scraping public tables|100755|
7|Data Science Leadership and Strategy|analytics operating models;data maturity assessment;value realisation;hub-and-spoke analytics teams;prioritising a data portfolio;benefits tracking for analytics|100755|
"""},
    "ai": {"family": "computing", "code": "AI", "hecos": "100359",
           "psrb": [("British Computer Society (BCS)", "accredited")],
           "skills": ["scikit-learn", "PyTorch", "model evaluation", "responsible AI", "prompt engineering"],
           "pool": """
7|Deep Learning Fundamentals|neural network architectures;backpropagation and optimisation;convolutional networks;activation functions and loss surfaces;stochastic gradient descent and Adam;pooling and feature maps|100992|c15,o:pgcert-applied-data-science
6|Responsible AI in the Workplace|AI risk assessment;transparency and explainability;UK AI regulatory principles;AI impact registers;human oversight of automated decisions;staff guidance on generative tools|100359|L
7|Generative AI: Foundations and Applications|large language models;retrieval-augmented generation;evaluation of generative systems;prompt design and few-shot examples;vector databases;hallucination testing|100359|
6|AI for Business Decision-Making|machine learning use cases;build-versus-buy decisions;AI project governance;churn and demand prediction;vendor due diligence;AI business cases|100359|L
7|Reinforcement Learning|Markov decision processes;policy gradient methods;exploration strategies;Bellman equations;Q-learning;reward shaping|100992|
6|Computer Vision|image classification;object detection;data augmentation;image filtering and feature extraction;bounding boxes and intersection over union;transfer learning from pretrained networks|100359|p
7|Explainable and Trustworthy AI|model interpretability techniques;fairness metrics;assurance of AI systems;SHAP and LIME explanations;counterfactual explanations;model cards|100359|p
6|Machine Learning Operations (MLOps)|model deployment pipelines;monitoring model drift;experiment tracking;model registries;feature stores;rollback of a model release|100992|
5|Introduction to Artificial Intelligence|history and scope of AI;search and reasoning;supervised learning;rule-based expert systems;decision trees;AI in everyday products|100359|L
7|Conversational AI and Chatbot Design|dialogue management;intent recognition;user testing of conversational agents;conversation flow design;entity extraction;fallback and hand-off to a human|100359|
7|AI Safety and Security|adversarial examples;data poisoning;secure deployment of AI models;model extraction attacks;red-teaming language models;prompt injection|100359|
6|Robotics and Intelligent Systems|robot kinematics;sensor fusion;path planning;forward and inverse kinematics;Kalman filters;ROS 2 nodes|100170|
"""},
    "cyber": {"family": "computing", "code": "CY", "hecos": "100376",
              "psrb": [("British Computer Society (BCS)", "accredited"),
                       ("UK Cyber Security Council", "mapped to the Cyber Security Council's specialism framework")],
              "skills": ["threat modelling", "incident response", "network security", "penetration testing", "security governance", "Wireshark"],
              "pool": """
6|Cyber Security Fundamentals|the CIA triad;common attack vectors;security controls;patch management;malware families;password and multi-factor authentication|100376|L
6|Network Security and Defence|firewall architectures;intrusion detection systems;secure network design;next-generation firewalls;Snort rules;DMZ and VLAN design|100376|p
7|Digital Forensics|evidence acquisition;file system analysis;chain of custody;disk imaging and write blockers;timeline reconstruction;forensic reporting for court|100376|p
7|Security Risk Management|ISO/IEC 27001;risk treatment planning;security metrics;asset registers;statement of applicability;key risk indicators|100376|p
6|Ethical Hacking and Penetration Testing|reconnaissance;vulnerability exploitation;penetration test reporting;port scanning with Nmap;privilege escalation;rules of engagement|100376|
7|Cloud Security|shared responsibility models;identity and access management;cloud security posture management;cloud logging and monitoring;least-privilege IAM policies;misconfigured storage buckets|100376|
6|Secure Software Development|the OWASP Top 10;secure code review;threat modelling;injection and cross-site scripting;dependency scanning;STRIDE threat models|100376+100374|
7|Incident Response and Threat Intelligence|incident handling playbooks;threat intelligence sources;post-incident review;triage and containment;indicators of compromise;MITRE ATT&CK mapping|100376|
5|Cyber Security Awareness for Small Businesses|phishing and social engineering;Cyber Essentials controls;backup and recovery;spotting fake invoices;patching and updates;offline backups|100376|L
7|Applied Cryptography|symmetric and public-key encryption;cryptographic protocols;key management;AES and RSA;TLS handshakes;hardware security modules|100376|
6|Operational Technology Security|industrial control systems;network segmentation;safety-security interactions;PLCs and RTUs;Purdue model zones;patching constraints in plants|100376|
7|Security Governance, Law and Compliance|the Computer Misuse Act;NIS regulations;security policy frameworks;board-level cyber reporting;breach notification duties;acceptable use policies|100376|
6|Malware Analysis|static analysis;dynamic analysis in sandboxes;reverse engineering basics;portable executable structure;behavioural indicators;disassembly with Ghidra|100376|
"""},
    "software": {"family": "computing", "code": "SE", "hecos": "100374",
                 "psrb": [("British Computer Society (BCS)", "accredited")],
                 "skills": ["Java", "TypeScript", "continuous integration", "API design", "agile delivery", "cloud deployment"],
                 "pool": """
6|Software Testing and Quality Assurance|test-driven development;test automation frameworks;static analysis;unit and integration tests;mocking and test doubles;mutation testing|100374|p
6|DevOps and Continuous Delivery|CI/CD pipelines;infrastructure as code;containerisation with Docker;GitHub Actions workflows;Terraform modules;blue-green deployments|100374|
7|Software Architecture|architectural styles;microservices;quality attribute trade-offs;event-driven architecture;architecture decision records;modular monoliths|100374|p
6|Web Application Development|HTTP and REST;front-end frameworks;accessible interface design;routing and templating;session management;form validation|100374|L
5|Programming Fundamentals in Python|control structures;functions and modules;debugging strategies;variables and types;loops and conditionals;unit-testing small functions|100366|L
6|Cloud Computing Fundamentals|virtualisation;cloud service models;serverless architectures;hypervisors and containers;IaaS, PaaS and SaaS;cloud cost management|100366|
6|Mobile App Development|mobile UI patterns;offline-first data storage;app store deployment;React Native and Flutter;local databases on devices;push notifications|100374|
7|Human-Computer Interaction and UX Research|usability testing;user research methods;inclusive design;think-aloud studies;personas and journey maps;heuristic evaluation|100736|
6|Computer Networks|the TCP/IP stack;routing and switching;network troubleshooting;subnetting and IP addressing;Ethernet and Wi-Fi;packet capture with Wireshark|100365|
7|Distributed Systems|consistency models;consensus algorithms;fault tolerance;replication and partitioning;Raft;clock synchronisation|100366|
4|Introduction to Computing|computer systems;algorithms and data representation;digital safety;binary and hexadecimal;how operating systems manage files;safe browsing|100366|L
6|Database Systems Design|normalisation;transaction management;NoSQL data stores;entity-relationship diagrams;ACID properties;document and key-value stores|100754|
7|Agile Software Engineering at Scale|scaled agile frameworks;product ownership;engineering metrics;SAFe and LeSS;backlog refinement across teams;DORA metrics|100374|
6|Accessible Web Design|WCAG 2.2;assistive technologies;accessibility auditing;screen readers;colour contrast and focus order;accessibility statements|100375|L
6|Systems Analysis and Design|process modelling;UML;systems specification;data flow diagrams;use case models;feasibility studies|100753|
6|Requirements Engineering|requirements elicitation;user stories and acceptance criteria;requirements traceability;stakeholder interviews and workshops;Gherkin acceptance tests;change impact analysis|100821|
6|Blockchain and Distributed Ledgers|consensus mechanisms;smart contracts;distributed ledger use cases;proof of work and proof of stake;Solidity contracts;supply chain provenance|100366|
"""},
    "nursing": {"family": "health", "code": "NU", "hecos": "100290",
                "psrb": [("Nursing and Midwifery Council (NMC)", "approved")],
                "skills": ["clinical assessment", "medicines management", "deteriorating patient recognition", "end-of-life care"],
                "pool": """
7|Independent and Supplementary Prescribing (V300)|pharmacology for prescribers;consultation and decision-making;prescribing governance;pharmacokinetics and drug interactions;clinical management plans;the Prescribing Competency Framework|100290|c30,p,C
6|Practice Supervision and Assessment|the NMC Standards for student supervision and assessment;supporting learners in practice;assessing competence;practice assessor and supervisor roles;feedback to students in practice;raising concerns about a learner|100290|c10,p
6|Community Practitioner Nurse Prescribing (V150)|prescribing from the Nurse Prescribers' Formulary;consultation skills;legal and professional accountability;wound care and continence products;writing FP10 prescriptions;prescribing in district nursing|100281|c20,p,C
7|Advanced Clinical Assessment|history taking and physical examination;clinical reasoning;differential diagnosis;cardiovascular and respiratory examination;interpreting investigations;safety-netting|100746|c30,C
6|Care of the Deteriorating Adult|the NEWS2 early warning score;sepsis recognition;escalation and handover;ABCDE assessment;SBAR handover;fluid balance monitoring|100279|C
6|Palliative and End-of-Life Care|symptom management;advance care planning;communication at the end of life;pain and breathlessness at the end of life;anticipatory prescribing;bereavement support|100292|
7|Leadership in Nursing Practice|clinical leadership;team dynamics;patient safety culture;ward leadership;human factors;learning from incidents|100290|
6|Dementia Care|types of dementia;person-centred dementia care;supporting families and carers;delirium and dementia;distressed behaviour;life story work|100291|L
6|Tissue Viability and Wound Care|wound assessment;pressure ulcer prevention;dressing selection;leg ulcer management;moisture-associated skin damage;wound infection and biofilm|100279|
6|Mental Health First Response|de-escalation;suicide risk assessment;trauma-informed care;crisis assessment;safety planning;Section 136 and place of safety|100287|
7|Diabetes Management in Primary Care|type 2 diabetes pathways;insulin initiation;structured education;HbA1c targets;hypoglycaemia management;annual diabetes foot checks|100285|
6|Infection Prevention and Control|transmission-based precautions;antimicrobial stewardship;outbreak management;hand hygiene audits;isolation and cohorting;surgical site infection surveillance|100290|L
7|Neonatal Intensive Care Nursing|neonatal respiratory support;thermoregulation;family-integrated care;CPAP and high-flow therapy;neonatal jaundice;parenteral nutrition in neonates|100289|C
6|Perinatal Mental Health|perinatal mood disorders;screening and referral;infant attachment;postnatal depression;perinatal psychosis;Edinburgh Postnatal Depression Scale|100288|
6|Frailty and Older People's Care|comprehensive geriatric assessment;falls prevention;polypharmacy;Clinical Frailty Scale;deprescribing reviews;hospital at home|100291|
7|Critical Care Nursing|mechanical ventilation;haemodynamic monitoring;critical care rehabilitation;arterial blood gases;vasopressor infusions;ventilator-associated pneumonia|100282|C
6|Learning Disability Health Equality|reasonable adjustments;health action plans;the STOMP programme;annual health checks;easy read information;diagnostic overshadowing|100286|
6|Respiratory Care in the Community|COPD management;inhaler technique;pulmonary rehabilitation;spirometry;asthma action plans;home oxygen assessment|100281|
"""},
    "pubhealth": {"family": "health", "code": "PH", "hecos": "101317",
                  "psrb": [("Royal Society for Public Health (RSPH)", "recognised CPD")],
                  "skills": ["epidemiology", "health needs assessment", "health promotion", "health economics"],
                  "pool": """
7|Principles of Epidemiology|measures of disease frequency;study designs;bias and confounding;incidence and prevalence;case-control and cohort studies;relative risk and odds ratios|101031|
7|Health Needs Assessment|population health data;community engagement;prioritisation of needs;Joint Strategic Needs Assessment;health profile data;stakeholder workshops|101317|
6|Health Promotion and Behaviour Change|the COM-B model;health campaigns;evaluation of health promotion;social marketing;health literacy;Making Every Contact Count|101317|L
7|Health Inequalities and the Social Determinants of Health|the social gradient in health;proportionate universalism;place-based approaches;the Marmot review;deprivation indices;inclusion health groups|100648|
7|Global Health Security|pandemic preparedness;One Health;international health regulations;disease surveillance systems;zoonotic spillover;vaccine equity|101317|
6|Public Mental Health|mental health promotion;suicide prevention strategies;wellbeing measurement;stigma reduction;loneliness;suicide surveillance data|101317|
7|Health Protection|communicable disease control;environmental hazards;emergency planning;contact tracing;notifiable diseases;chemical and radiation incidents|101317|p
6|Nutrition and Public Health|dietary guidelines;food environments;obesity policy;school food standards;sugar reduction;food insecurity|100247|
7|Evaluating Public Health Interventions|logic models;process evaluation;economic evaluation;theory of change;natural experiments;cost-consequence analysis|101317|
6|Tobacco, Alcohol and Drug Harm Reduction|harm reduction approaches;minimum unit pricing;brief interventions;stop-smoking services;naloxone provision;needle and syringe programmes|101317|
7|Health Economics for Decision-Makers|cost-effectiveness analysis;QALYs;priority setting;decision trees and Markov models;NICE appraisal;budget impact analysis|100648|
6|Introduction to Public Health|the three domains of public health;health indicators;public health law;health improvement;health protection and healthcare public health;life expectancy gaps|101317|L
7|Health Policy Analysis|policy cycle models;stakeholder power;implementation gaps;agenda setting;policy transfer;the health policy triangle|100648|
6|Community Health Development|asset-based community development;co-production;social prescribing;community champions;link workers;participatory appraisal|101317|
"""},
    "socialcare": {"family": "health", "code": "SC", "hecos": "100476",
                   "psrb": [("Social Work England", "approved post-qualifying course")],
                   "skills": ["safeguarding adults", "strengths-based practice", "care planning", "partnership working"],
                   "pool": """
6|Safeguarding Adults at Risk|the Care Act 2014;making safeguarding personal;multi-agency safeguarding;section 42 enquiries;self-neglect;safeguarding adults reviews|100503|p
7|Best Interests Assessment|the Mental Capacity Act 2005;Liberty Protection Safeguards;best interests decision-making;Deprivation of Liberty Safeguards authorisations;assessing restrictions on liberty;relevant person's representatives|100503|p,C
6|Strengths-Based Practice in Social Care|asset-based assessment;outcome-focused support planning;conversations that matter;community-led support;three-conversation model;personal budgets|100501|
6|Supporting People Living with Dementia at Home|home-based dementia support;carer wellbeing;assistive technology;home adaptations;respite breaks;telecare alarms|100476|L
7|Practice Education in Social Work|adult learning theory;assessing social work students;the Professional Capabilities Framework;direct observations of practice;practice educator standards;failing and struggling students|100503|p
6|Trauma-Informed Practice|adverse childhood experiences;trauma-informed principles;vicarious trauma;window of tolerance;re-traumatisation in services;reflective supervision|100476|
6|Working with Children and Families|child development;family support;the Signs of Safety approach;child in need plans;direct work with children;parenting assessments|100503|
6|Integrated Health and Social Care|integrated care systems;joint commissioning;person-held records;hospital discharge to assess;multidisciplinary team meetings;pooled budgets|100476|
7|Developing the Social Care Workforce|workforce planning;supervision and appraisal;career pathways in care;recruitment and retention in care;induction against the Care Certificate;values-based recruitment|100476|
6|Mental Capacity in Everyday Practice|the five principles of the Mental Capacity Act;capacity assessment;supported decision-making;unwise decisions;fluctuating capacity;recording capacity decisions|100476|L
6|Digital Skills for Social Care|digital care records;remote monitoring;cyber safety in care settings;tablets for care planning;video consultations;data security toolkits|100476|L
6|Substance Misuse and Social Work|models of addiction;motivational interviewing;recovery-oriented services;alcohol and opioid dependence;harm reduction in social work;dual diagnosis|100503|
6|Positive Behaviour Support|functional assessment;proactive strategies;restrictive practice reduction;behaviour support plans;ABC charts;quality of life outcomes|100476|
6|Domestic Abuse: Recognition and Response|coercive control;risk assessment tools such as DASH;MARAC processes;economic abuse;safety planning with survivors;Clare's Law|100503|
6|Care Home Leadership|registered manager responsibilities;regulatory inspection;quality assurance in care homes;CQC key lines of enquiry;staff rotas and skill mix;complaints handling|100476|
"""},
    "leadership": {"family": "business", "code": "LM", "hecos": "100088",
                   "psrb": [("Chartered Management Institute (CMI)", "dual award with a CMI Level 7 Award in Strategic Management and Leadership Practice")],
                   "skills": ["leadership", "coaching conversations", "organisational change", "strategic planning"],
                   "pool": """
7|Strategic Leadership|strategy formulation;leading through uncertainty;organisational purpose;environmental scanning;strategic options appraisal;communicating a vision|100088|p
6|Leading High-Performing Teams|team development models;psychological safety;performance conversations;Tuckman's stages;trust and candour;one-to-one meetings|100088|L
7|Leading Digital Transformation|digital maturity;data-driven culture;technology adoption;legacy system replacement;digital skills of staff;user-centred service redesign|100089|
6|Decision-Making and Business Analytics|decision analysis;key performance indicators;scenario planning;decision trees and expected value;balanced scorecards;what-if modelling|100089|
7|Clinical Leadership in Health and Care|system leadership;clinical governance;leading quality improvement;clinical audit;Freedom to Speak Up;leading across professions|100088|p
6|Managing People in Health and Care|workforce planning;wellbeing at work;appraisal and supervision;rostering;sickness absence management;staff retention|100089|
7|Healthcare Operations and Flow|patient flow;demand and capacity modelling;waiting list management;bed management;discharge planning;elective recovery|100089|
7|Coaching and Mentoring for Leaders|coaching models;active listening;mentoring relationships;the GROW model;powerful questions;contracting in coaching|100088|p
6|First-Line Management|the role of the manager;delegation;managing performance;setting objectives;giving feedback;absence and conduct cases|100089|L,p
7|Systems Leadership in Public Services|complexity and wicked problems;collaborative governance;place-based leadership;systems mapping;shared outcomes across agencies;relational leadership|100088|
7|Public Sector Leadership|public value;accountability;leading across organisational boundaries;political awareness;scrutiny and audit;citizen engagement|100088|
7|Leading Inclusive Organisations|inclusive leadership;equality impact assessment;allyship;unconscious bias;inclusive recruitment;pay gap reporting|100088|
6|Social Enterprise and Community Business|social value;blended income models;governance of social enterprises;community interest companies;social impact measurement;trading income|101221|
7|Entrepreneurship and Innovation|opportunity recognition;lean start-up methods;innovation funding;customer discovery interviews;minimum viable products;pitching to investors|101221|
7|Sustainable Business Strategy|ESG reporting;circular business models;stakeholder value;science-based targets;supply chain sustainability;B Corp certification|100078|
6|Leading Small Businesses|business model design;cash-flow management;growth planning;pricing decisions;hiring the first employees;working capital|100078|
7|Strategic Leadership in Rural Enterprises|rural economies;diversification;community enterprise;farm diversification into tourism;rural broadband;land-based business networks|100078|
6|Business Planning for Growth|market analysis;financial forecasting;scaling operations;competitor analysis;sales forecasts;growth finance options|100078|L
6|Finance for Non-Financial Managers|budgeting;financial statements;investment appraisal;profit and loss accounts;cash versus profit;net present value|100078|L
6|Negotiation and Influencing|principled negotiation;influence tactics;managing conflict;BATNA;stakeholder mapping for influence;difficult conversations|100089|
6|Operations Management|process mapping;lean improvement;capacity planning;value stream mapping;queueing and bottlenecks;inventory control|100089|
7|Corporate Governance and Ethics|board effectiveness;stakeholder theory;ethical decision-making;the UK Corporate Governance Code;board committees;whistleblowing|100078|
"""},
    "hr": {"family": "business", "code": "HR", "hecos": "100085",
           "psrb": [("Chartered Institute of Personnel and Development (CIPD)", "accredited against the CIPD Profession Map")],
           "skills": ["employee relations", "people analytics", "recruitment", "employment law awareness"],
           "pool": """
7|Strategic Human Resource Management|HR strategy;talent management;the employee value proposition;workforce strategy;succession planning;reward strategy|100085|p
6|Employment Relations|employee voice;collective bargaining;grievance and disciplinary processes;trade union recognition;employee forums;ACAS early conciliation|100085|
6|Recruitment and Selection|job analysis;structured interviewing;fair selection methods;competency frameworks;assessment centres;candidate experience|100085|L
7|People Analytics|HR metrics;workforce data analysis;evidence-based HR;turnover analysis;engagement survey data;HR dashboards|100085|
6|Wellbeing at Work|occupational stress;mental health support;wellbeing strategies;stress risk assessments;mental health first aiders;flexible working|100085|
7|Learning and Development Strategy|learning needs analysis;evaluation of training;the 70-20-10 model;Kirkpatrick evaluation;learning budgets;digital learning platforms|100085|p
"""},
    "projects": {"family": "business", "code": "PM", "hecos": "100812",
                 "psrb": [("Association for Project Management (APM)", "accredited; maps to the APM Project Management Qualification syllabus")],
                 "skills": ["project planning", "risk management", "agile methods", "stakeholder management", "Microsoft Project"],
                 "pool": """
6|Principles of Project Management|project life cycles;scope definition;project scheduling;Gantt charts;project initiation documents;milestone reporting|100812|L,p
7|Programme and Portfolio Management|benefits realisation;portfolio prioritisation;programme governance;benefits maps;programme boards;portfolio dashboards|100812|p
6|Project Risk and Issue Management|risk identification;quantitative risk analysis;issue escalation;risk registers;Monte Carlo schedule risk;issue logs|100812|
7|Managing Complex Projects|complexity theory;adaptive planning;stakeholder networks;emergent requirements;cynefin framework;interdependent workstreams|100812|
6|Project Management for Research and Innovation|research project planning;grant management;managing collaborations;funder reporting;research milestones and deliverables;consortium agreements|100812|L
6|Project Management for Engineers|work breakdown structures;critical path analysis;change control;resource levelling;engineering change requests;design freeze gates|100812|
7|Digital Project Delivery|product roadmaps;agile delivery at scale;digital service standards;discovery and alpha phases;user research in delivery;service assessments|100812|
6|Project Management for Construction|construction programmes;contract types;site coordination;RIBA Plan of Work stages;look-ahead programmes;site logistics|100812|
6|Project Finance and Cost Control|earned value management;cost estimation;budget forecasting;cost breakdown structures;contingency and management reserve;cost performance index|100812|
6|Procurement and Contract Management|procurement routes;supplier evaluation;contract performance;the Procurement Act 2023;tender evaluation criteria;supplier relationship management|100812|
6|Lean Six Sigma Green Belt Principles|DMAIC;statistical process control;root cause analysis;control charts;process capability;fishbone diagrams|100812|
7|Change Management Practice|change readiness;resistance to change;sustaining change;Kotter's eight steps;change impact assessment;change champions|100812|
7|Project Leadership|leading project teams;conflict resolution;decision-making under pressure;motivating project teams;stakeholder communication plans;escalation decisions|100812|
"""},
    "marketing": {"family": "business", "code": "MK", "hecos": "100075",
                  "psrb": [("Chartered Institute of Marketing (CIM)", "recognised for CIM continuing professional development")],
                  "skills": ["digital marketing", "content strategy", "Google Analytics", "social media marketing", "SEO", "copywriting"],
                  "pool": """
6|Digital Marketing Strategy|digital marketing planning;customer journey mapping;channel selection;digital audits;customer personas;SOSTAC planning|100075|k:grad-cert-digital-marketing,c20,p
6|Social Media Marketing|platform strategy;community management;paid social advertising;content calendars;social listening;influencer briefs|100440|o:grad-cert-digital-marketing,c20
6|Search Engine Optimisation and Content Marketing|technical SEO;keyword research;content planning;site speed and crawlability;on-page optimisation;editorial calendars|100075|o:grad-cert-digital-marketing,c20
6|Marketing Analytics|web analytics;attribution models;campaign measurement;Google Analytics 4 events;marketing mix modelling;conversion funnels|100075|k:grad-cert-digital-marketing,c20
6|Brand Management|brand positioning;brand equity;brand architecture;brand identity guidelines;brand audits;brand extension|100075|o:grad-cert-digital-marketing,c20
7|Consumer Behaviour in Digital Markets|consumer decision-making;behavioural economics;online trust;choice architecture online;reviews and social proof;dark patterns|100075|
6|Email and Marketing Automation|segmentation;automated customer journeys;deliverability and consent;lifecycle emails;lead scoring;A/B testing subject lines|100075|L
7|International Marketing|market entry strategies;cross-cultural marketing;global branding;PESTLE analysis of markets;localisation of campaigns;export marketing plans|100853|
6|Content Creation for Social Media|short-form video;visual storytelling;creator partnerships;vertical video editing;captions and hooks;content repurposing|100440|L
6|Food and Drink Marketing|food labelling rules;provenance marketing;retail buyer relationships;protected geographical indications;farmers' markets and food festivals;supermarket listings|101215|
6|Marketing for Tourism and Hospitality|destination marketing;visitor segmentation;online reviews;tourism seasonality;online travel agents;visitor experience marketing|100100|
6|Marketing for Small Businesses|low-cost marketing tactics;local search;customer retention;Google Business Profile;word-of-mouth referral schemes;loyalty cards|100075|L
6|Sustainable Marketing|green claims;the Competition and Markets Authority Green Claims Code;purpose-led brands;greenwashing cases;product carbon labels;cause-related marketing|100075|
7|Marketing Strategy and Planning|strategic market analysis;segmentation and targeting;marketing planning;Ansoff matrix;competitive positioning;marketing budgets|100075|
6|Paid Search and Digital Advertising|pay-per-click campaigns;bidding strategies;ad performance optimisation;quality score;keyword match types;display and retargeting|100075|
7|Customer Experience Management|customer journey analytics;service design;net promoter metrics;voice of the customer programmes;service blueprints;complaint recovery|100075|
6|Events Marketing|event planning;sponsorship;audience engagement;event promotion timelines;ticketing and registration;post-event evaluation|100075|
7|Marketing Data and Privacy|consent management;PECR and UK GDPR;first-party data strategy;cookie banners;data processor contracts;customer data platforms|100075|
6|Digital Marketing Fundamentals|digital channels;paid search;marketing metrics;websites and landing pages;email newsletters;social media basics|100075|L
6|Public Relations and Reputation Management|media relations;crisis communication;reputation metrics;press releases;spokesperson preparation;stakeholder reputation audits|100076|
"""},
    "finance": {"family": "business", "code": "FN", "hecos": "100107",
                "psrb": [("Association of Chartered Certified Accountants (ACCA)", "exemption")],
                "skills": ["financial analysis", "Excel modelling", "management accounting", "financial reporting"],
                "pool": """
6|Financial Reporting|IFRS;preparing financial statements;group accounts;revenue recognition under IFRS 15;leases under IFRS 16;consolidation adjustments|100105
6|Management Accounting|costing methods;budgetary control;variance analysis;absorption and marginal costing;standard costing;activity-based costing|100105
7|Corporate Finance|cost of capital;capital structure;mergers and acquisitions;weighted average cost of capital;dividend policy;company valuation|100107
6|Financial Modelling in Excel|three-statement models;scenario analysis;model auditing;model structure and flags;sensitivity tables;checks and error traps|100107
7|Sustainable Finance|ESG investing;green bonds;climate-related financial disclosure;ESG ratings;transition plans;impact investing|100107
6|Audit and Assurance|audit planning;internal controls;audit evidence;audit risk assessment;sampling in audit;audit reports and opinions|100105
7|Financial Risk Management|market risk;credit risk;derivatives for hedging;value at risk;credit scoring;interest rate swaps|100107
6|Taxation for Small Businesses|income tax and national insurance;VAT;corporation tax;self-assessment returns;Making Tax Digital;capital allowances|100105
6|Introduction to Fintech|digital payments;open banking;regulatory sandboxes;payment service providers;cryptoassets;robo-advice|100107
7|Investment Analysis|portfolio theory;equity valuation;fixed income;capital asset pricing model;discounted cash flow valuation;bond pricing and duration|100107
6|Public Sector Finance|public sector budgeting;value for money;financial accountability;local authority budgets;public sector accounting standards;business cases for public spending|100105
"""},
    "law_health": {"family": "law", "code": "LW", "hecos": "100485", "psrb": [],
                   "skills": ["legal literacy"],
                   "pool": """
7|Medical Law and Ethics|consent to treatment;clinical negligence;end-of-life decision-making;capacity and consent;the Bolam and Montgomery tests;withdrawing treatment|100693
6|Employment Law for Managers|unfair dismissal;discrimination law;TUPE;dismissal procedures;reasonable adjustments for disability;transfer of undertakings|100485
6|Information Law and Data Protection|UK GDPR;freedom of information;data protection impact assessments;subject access requests;FOI exemptions;data breach reporting|100485|L
7|Mental Health Law|the Mental Health Act 1983;deprivation of liberty;tribunal practice;detention under sections 2 and 3;nearest relative rights;community treatment orders|100693
6|Health and Safety Law|the Health and Safety at Work etc. Act 1974;risk assessment duties;enforcement;duties of employers to employees;HSE improvement notices;corporate manslaughter|100485
"""},
    "law_scots": {"family": "law", "code": "LW", "hecos": "100678", "psrb": [],
                  "skills": ["Scots law"],
                  "pool": """
6|Introduction to Scots Law|sources of Scots law;the Scottish courts;legal reasoning;the Court of Session;institutional writers;Scottish statutes and Acts of the Scottish Parliament|100678|L
7|Scottish Land Reform and Community Ownership|community right to buy;land rights and responsibilities;crofting law;the Land Reform (Scotland) Act 2003;community asset transfer;crofting tenure|100678
7|Scots Property Law|ownership and real rights;servitudes and real burdens;registration of title;dispositions;title conditions;the Land Register of Scotland|100678
6|Scots Employment and Equality Law|employment contracts;equality duties in Scotland;employment tribunals;the Public Sector Equality Duty in Scotland;unfair dismissal claims;fair work in Scotland|100678
7|Environmental Law in Scotland|environmental regulation;the Scottish Environment Protection Agency's role;marine licensing;pollution prevention and control;environmental assessment in Scotland;marine licences in Scottish waters|100678
"""},
    "law_commercial": {"family": "law", "code": "LW", "hecos": "100482", "psrb": [],
                       "skills": ["contract drafting"],
                       "pool": """
6|Contract Law for Business|formation of contracts;terms and exclusion clauses;remedies for breach;offer and acceptance;limitation of liability;damages and specific performance|100482
7|Commercial Property Law|commercial leases;landlord and tenant disputes;lease renewal;rent review;repairing covenants;the Landlord and Tenant Act 1954|100689
7|Construction Law and Dispute Resolution|construction contracts;adjudication;delay and disruption claims;payment notices under the Construction Act;adjudicators' decisions;extension of time claims|100482
6|Intellectual Property Law|copyright;trade marks;patents;infringement of copyright;trade mark registration;patent claims|100485
7|Company Law and Directors' Duties|corporate personality;directors' duties;shareholder remedies;the Companies Act 2006;conflicts of interest;derivative claims|100482
6|Consumer Law|the Consumer Rights Act 2015;unfair terms;digital content;rights to repair, replace and refund;unfair commercial practices;digital content rights|100485
7|Planning Law|development management;planning appeals;compulsory purchase;planning permission;section 106 agreements;planning enforcement|100485
"""},
    "education": {"family": "education", "code": "ED", "hecos": "101246",
                  "psrb": [("Advance HE", "aligned with Descriptor 1 of the Professional Standards Framework (PSF 2023)")],
                  "skills": ["lesson planning", "assessment for learning"],
                  "pool": """
7|Teaching and Learning in Higher Education|constructive alignment;active learning;assessment and feedback;intended learning outcomes;flipped classrooms;rubrics and marking criteria|100509|p
7|Designing Online and Blended Learning|online learning design;learning analytics;digital accessibility;virtual learning environment design;online discussion facilitation;captioned video|100459|
6|Assessment and Feedback Practice|authentic assessment;marking and moderation;feedback literacy;assessment briefs;second marking;feedforward|101246|
7|Education for Sustainable Development|sustainability competencies;interdisciplinary curricula;transformative pedagogy;climate education;systems thinking in the curriculum;student-led sustainability projects|100459|
6|Inclusive Teaching Practice|universal design for learning;neurodiversity;decolonising the curriculum;accessible materials;dyslexia and dyspraxia;diverse reading lists|101246|L
7|Artificial Intelligence in Education|AI-assisted learning;academic integrity;AI literacy for learners;AI tutors;AI and assessment redesign;institutional AI policy|100459|L
6|Clinical Education and Facilitation|teaching in clinical settings;simulation-based education;assessing clinical competence;bedside teaching;debriefing after simulation;workplace-based assessments|100507|p
6|Workplace Mentoring|mentoring relationships;goal-setting;reflective conversations;mentoring agreements;career conversations;mentor supervision|101246|L
6|Learning Design for Workplace Training|training needs analysis;microlearning;evaluating training impact;e-learning storyboards;job aids;transfer of training|100507|L
7|Evaluating Learning Programmes|evaluation frameworks;learning impact measures;reporting to stakeholders;evaluation questions;learner surveys and focus groups;impact reports|100459|
7|Research Methods for Practitioner Enquiry|action research;educational research ethics;mixed methods in education;research questions from practice;classroom observation;interviewing learners|101088|
7|Gaelic-medium Education: Policy and Practice|language revitalisation;immersion pedagogy;Gaelic language plans;Gaelic-medium primary schools;the Education (Scotland) Act 2016;Gaelic teaching resources|101120|
6|Outdoor and Place-Based Learning|outdoor pedagogy;risk-benefit assessment;local heritage as curriculum;forest school;fieldwork planning;learning from local landscapes|100459|
7|Educational Leadership|instructional leadership;school improvement planning;professional accountability;school self-evaluation;leading professional learning;governance of schools|100817|
7|Wellbeing in Schools|whole-school approaches;staff wellbeing;pupil mental health;nurture groups;mental health leads in schools;teacher workload|100459|
7|Curriculum for Wales: Designing for the Four Purposes|the four purposes;areas of learning and experience;progression steps;cross-curricular skills;Cynefin in the curriculum;assessment for progression|100459|
6|Teaching in Further Education|the further education sector;lesson planning;behaviour for learning;vocational pedagogy;apprentices and T Levels;functional skills|100460|
6|Supporting English as an Additional Language Learners|language acquisition;scaffolding academic language;home language as a resource;EAL assessment;bilingual learners;language-rich classrooms|100513|
6|Early Years Pedagogy|play-based learning;child development;the Early Years Foundation Stage;observation and assessment of young children;key person approach;early language and communication|100463|
6|Behaviour and Relationships in the Classroom|relational approaches;restorative practice;classroom routines;de-escalation in classrooms;positive praise;behaviour policies|100465|
6|Digital Skills for Teachers|learning platforms;digital content creation;online safety;interactive whiteboards;quizzes and polling tools;digital portfolios|100459|L
7|Mentoring and Coaching in Education|mentoring models;instructional coaching;professional learning communities;early career teachers;lesson study;coaching conversations with colleagues|101246|
6|Supporting Learners with Special Educational Needs|the SEND Code of Practice;graduated approach;working with families;Education, Health and Care plans;SENCO role;assess-plan-do-review cycles|100459|
7|Leading Curriculum Change|curriculum theory;leading teams of teachers;evaluating curriculum impact;curriculum mapping;sequencing knowledge;subject leadership|100817|
6|Adult Numeracy and Literacy Teaching|adult literacy frameworks;embedded numeracy;learner motivation;initial and diagnostic assessment;reading strategies for adults;everyday maths|100507|
7|Global Citizenship Education|global citizenship frameworks;critical pedagogy;partnership with communities;human rights education;global learning projects;controversial issues in the classroom|100459|
6|Teaching Mathematics Through Problem Solving|mathematical reasoning;mastery approaches;misconceptions;manipulatives and representations;rich mathematical tasks;questioning in maths lessons|100464|
6|Numeracy Across the Curriculum|numeracy in context;data handling in subjects;whole-school numeracy;graphs in science and geography;measurement in technology lessons;numeracy coordinators|100459|
7|Supervising Doctoral Research|supervisory styles;research integrity;supporting doctoral progression;supervision meetings;thesis writing support;the viva|100509|
"""},
    "engineering": {"family": "engineering", "code": "EN", "hecos": "100184",
                    "psrb": [("Institution of Engineering and Technology (IET)", "approved as further learning towards Chartered Engineer (CEng)"),
                             ("Institution of Mechanical Engineers (IMechE)", "approved CPD")],
                    "skills": ["Python for engineers", "ANSYS", "SolidWorks", "LabVIEW"],
                    "pool": """
6|Renewable Energy Systems|wind and solar resource assessment;energy storage;grid integration;photovoltaic system sizing;wind turbine siting;battery storage dispatch|100175|p
7|Electric Vehicle Powertrains|battery management systems;electric machines;power electronics;lithium-ion cell chemistry;inverter design;regenerative braking|100201|p
6|Industrial Automation and PLC Programming|programmable logic controllers;ladder logic;SCADA systems;function block diagrams;HMI design;sensors and actuators|100170|
7|Finite Element Analysis|mesh generation;linear static analysis;validation of FE models;element types and shape functions;boundary conditions and loads;mesh convergence studies|100190|
6|Hydrogen Technologies|hydrogen production;fuel cells;hydrogen safety;electrolysers;hydrogen storage and transport;hydrogen in heavy transport|100175|
7|Structural Health Monitoring|sensor technologies;vibration-based damage detection;data interpretation;strain gauges and accelerometers;modal analysis;bridge monitoring|100153|
6|Additive Manufacturing|additive processes;design for additive manufacturing;post-processing;powder bed fusion;topology optimisation;support structures|100202|
7|Power Systems and Smart Grids|power flow analysis;protection systems;demand-side response;fault calculations;relay coordination;smart meters|100164|p
6|Embedded Systems Design|microcontrollers;real-time operating systems;hardware-software integration;interrupts and timers;serial communication buses;low-power design|100165|
7|Net Zero Building Services Engineering|heat pumps;building energy modelling;low-carbon ventilation;air source and ground source heat pumps;dynamic thermal simulation;mechanical ventilation with heat recovery|100147|
6|Reliability and Maintenance Engineering|failure modes and effects analysis;reliability-centred maintenance;condition monitoring;Weibull analysis;maintenance scheduling;vibration analysis|100193|
7|Control Systems Engineering|transfer functions;PID control;state-space design;Bode and root locus plots;controller tuning;observers and state feedback|100188|
6|Quality Management in Manufacturing|ISO 9001;statistical process control;root cause analysis;quality audits;control plans;corrective and preventive action|100213|
7|Digital Twins for Engineering Assets|asset data models;simulation and real-time data;digital twin governance;IoT sensor integration;physics-based and data-driven models;asset performance dashboards|100184|
6|Geotechnical Engineering Practice|site investigation;slope stability;foundation design;borehole logs;soil shear strength;piled foundations|100551|
7|Flood Risk Engineering|hydraulic modelling;flood defence design;natural flood management;1D and 2D flood models;flood walls and embankments;leaky dams and wetlands|100148|
6|Engineering Mathematics Refresher|calculus for engineers;linear algebra;differential equations;integration and differentiation;matrices and vectors;first-order ODEs|101028|L
7|Sustainable Infrastructure Design|whole-life carbon;infrastructure resilience;sustainable materials;embodied carbon of materials;climate-resilient design;infrastructure lifecycle assessment|100148|
6|Fire Safety Engineering Principles|fire dynamics;means of escape;fire risk assessment;fire growth and smoke movement;evacuation modelling;compartmentation|100183|
"""},
    "environment": {"family": "environment", "code": "EV", "hecos": "100469",
                    "psrb": [("Institute of Environmental Management and Assessment (IEMA)", "approved training")],
                    "skills": ["net zero planning", "habitat survey"],
                    "pool": """
7|Climate Change Adaptation Planning|climate risk assessment;adaptation pathways;community resilience;UK climate projections;local adaptation strategies;heat and flood risk in towns|101070
6|Environmental Management Systems|ISO 14001;environmental aspects and impacts;environmental auditing;environmental policy and objectives;legal registers;management review|100469|p
7|Biodiversity Enhancement and Nature Networks|biodiversity metrics;habitat creation;ecological connectivity;biodiversity net gain;wildlife corridors;local nature recovery strategies|100347|p
6|Peatland Restoration|peatland hydrology;restoration techniques;carbon benefits of peatland;drain blocking;sphagnum reintroduction;peat depth surveys|100381
7|Circular Economy|resource efficiency;product life extension;circular business models;waste hierarchy;remanufacturing and repair;material flow analysis|100469
6|Environmental Impact Assessment|screening and scoping;impact prediction;mitigation hierarchy;baseline surveys;cumulative effects;environmental statements|100549
7|Sustainable Water Management|catchment management;water quality regulation;nature-based solutions;river basin management plans;diffuse agricultural pollution;sustainable drainage systems|100381
6|Renewable Energy and Communities|community energy;local energy planning;fuel poverty;community solar schemes;energy cooperatives;home energy advice|100469
7|Natural Capital Accounting|ecosystem services;natural capital valuation;environmental reporting;natural capital registers;valuing recreation and flood regulation;ecosystem accounts|100469
6|Rewilding and Landscape Restoration|ecological restoration principles;species reintroduction;stakeholder engagement in restoration;beaver reintroduction;natural grazing;landowner partnerships|100347
8|Advanced Climate Modelling|general circulation models;downscaling;climate model uncertainty;parameterisation schemes;regional climate models;ensemble projections|100379
6|Woodland Creation and Management|woodland planning;silviculture;woodland carbon;species choice for new woodland;thinning and felling;woodland grant schemes|100520
7|Sustainability Reporting|greenhouse gas accounting;TCFD-aligned disclosure;materiality assessment;scope 3 emissions;climate scenario analysis;sustainability report assurance|100469|p
6|Air Quality Management|air pollutants and sources;monitoring networks;clean air zones;nitrogen dioxide and particulates;air quality action plans;dispersion modelling|101317
7|Sustainable Land Management|soil health;agri-environment schemes;land-use trade-offs;soil organic carbon;land capability classification;integrated land-use planning|100998
6|Coastal Change and Management|coastal processes;shoreline management plans;managed realignment;sediment transport;coastal erosion monitoring;coastal adaptation with communities|100408
6|Ecology Field Skills|species identification;survey design;ecological recording;quadrats and transects;identification keys;biological records centres|100347|L
6|Climate Science Essentials|the greenhouse effect;climate feedbacks;climate scenarios;carbon cycle;radiative forcing;IPCC assessment reports|100379|L
"""},
    "marine": {"family": "environment", "code": "MA", "hecos": "100418", "psrb": [],
               "skills": ["marine survey", "R for ecologists"],
               "pool": """
7|Marine Spatial Planning|marine protected areas;spatial conflict analysis;ecosystem-based management;marine plan policies;fisheries and renewables conflicts;marine stakeholder consultation|100418
6|Sustainable Aquaculture|aquaculture systems;fish health and welfare;environmental interactions of aquaculture;salmon farming;sea lice management;shellfish cultivation|100418
7|Offshore Renewable Energy and the Marine Environment|offshore wind development;environmental monitoring of offshore sites;cumulative impacts;floating wind;benthic habitat surveys;collision risk for seabirds|100418
6|Seabird and Marine Mammal Monitoring|survey techniques;population trend analysis;disturbance assessment;boat-based and aerial surveys;passive acoustic monitoring;seabird colony counts|100351
7|Blue Carbon|seagrass and saltmarsh ecosystems;carbon sequestration measurement;blue carbon policy;sediment carbon cores;saltmarsh restoration;carbon credits for coastal habitats|100421
6|Marine Litter and Plastics|sources and pathways of marine litter;monitoring protocols;prevention policy;beach litter surveys;microplastics;fishing gear loss|100418|L
"""},
    "psychology": {"family": "psychology", "code": "PS", "hecos": "100497",
                   "psrb": [("British Psychological Society (BPS)", "approved CPD")],
                   "skills": ["SPSS", "thematic analysis"],
                   "pool": """
6|Psychology of Wellbeing|positive psychology;resilience;wellbeing interventions;flourishing and life satisfaction;gratitude and savouring;self-compassion|100497|L
7|Occupational Psychology in Practice|job design;psychological assessment at work;organisational change;job analysis interviews;psychometric testing at work;employee engagement|100950|p
6|Behaviour Change in Practice|the COM-B model;nudge techniques;intervention design;habit formation;behaviour change techniques taxonomy;evaluating behaviour change programmes|100985
7|Coaching Psychology|coaching frameworks;goal theory;coaching evaluation;cognitive-behavioural coaching;motivational interviewing in coaching;coaching supervision|101294|p
6|Cognitive Psychology and Everyday Life|attention;memory;decision-making biases;working memory;heuristics;perception and illusions|100993|L
7|Health Psychology|stress and illness;adherence to treatment;chronic condition self-management;health beliefs;pain psychology;self-efficacy|100985
6|Child Development|attachment;language development;cognitive development;temperament;play and social development;theory of mind|100952
6|Forensic Psychology|offender assessment;eyewitness testimony;rehabilitation;risk assessment of offenders;false confessions;prison-based interventions|100387
7|Research Methods in Psychology|experimental design;quantitative analysis;qualitative interviewing;hypothesis testing;questionnaire validation;thematic analysis|100959
6|Psychology of Learning and Memory|learning theories;memory processes;metacognition;conditioning;retrieval practice;forgetting curves|101342
7|Neurodiversity at Work|autism and ADHD in adulthood;reasonable adjustments;neuroinclusive practice;sensory-friendly workplaces;neurodivergent strengths;disclosure and support|100950
6|Sport and Exercise Psychology|motivation;performance anxiety;mental skills training;goal setting in sport;imagery and self-talk;exercise adherence|100499
7|Psychological Approaches to Trauma|post-traumatic stress;trauma-focused therapies;secondary trauma;EMDR;trauma-focused CBT;complex trauma|100494
6|Social Psychology of Groups|group dynamics;social identity;conflict and cooperation;conformity and obedience;intergroup contact;leadership in groups|100498
7|Psychology of Ageing|cognitive ageing;loneliness;age-friendly environments;dementia and memory change;retirement transitions;intergenerational contact|100958
6|Counselling Skills|the person-centred approach;active listening;ethical boundaries;empathy and congruence;paraphrasing and summarising;endings in helping relationships|100495|L
"""},
    "builtenv": {"family": "builtenv", "code": "BE", "hecos": "100150",
                 "psrb": [("Royal Institution of Chartered Surveyors (RICS)", "accredited")],
                 "skills": [],
                 "pool": """
6|Quantity Surveying Practice|NRM measurement;cost planning;tendering procedures;bills of quantities;elemental cost plans;tender analysis|100217
7|Building Pathology|building defects;moisture and damp diagnosis;remedial specification;timber decay;rising and penetrating damp;cracking and movement|100216
6|Construction Technology|substructure and superstructure;modern methods of construction;building envelope performance;foundations and frames;timber and steel frame systems;cladding and roofing|100150
7|Property Valuation|the RICS Red Book;valuation methods;market analysis;comparable evidence;the investment method;valuation reports|100218
6|Building Surveying Practice|building surveys;dilapidations;party wall procedures;condition surveys;schedules of dilapidations;party wall awards|100216
7|Construction Contract Administration|JCT contracts;NEC4;interim valuations and final accounts;contractor's programme;variations;practical completion|100151
6|Building Information Modelling|BIM Level 2 processes;ISO 19650;model federation;common data environments;information requirements;clash detection|100150
7|Real Estate Investment and Development|development appraisal;real estate finance;investment performance;residual valuation;development finance;portfolio returns|100218
6|Construction Health and Safety|the CDM Regulations 2015;site safety management;principal designer duties;construction phase plans;method statements;site inductions|100151
7|Building Safety and Fire Regulation|the Building Safety Act 2022;higher-risk buildings;golden thread of information;the Building Safety Regulator;accountable persons;fire risk appraisal of external walls|100216
6|Retrofit Coordination|PAS 2035;whole-house retrofit;energy performance assessment;retrofit assessments;medium-term improvement plans;moisture risk in retrofit|100150
7|Sustainable Construction|embodied carbon;BREEAM;circular construction;low-carbon concrete;timber construction;construction waste|100150
6|Land and Property Law for Surveyors|estates and interests in land;easements;landlord and tenant;freehold and leasehold;rights of way;restrictive covenants|100218
7|Facilities Management|FM strategy;space planning;service contracts;hard and soft services;workplace strategy;planned preventive maintenance|100150
6|Commercial Management in Construction|cash-flow forecasting;change management in contracts;subcontract procurement;contractor cash flow;compensation events;subcontract packages|100151
"""},
    "agrifood": {"family": "environment", "code": "AG", "hecos": "100517",
                 "psrb": [("Chartered Institute of Environmental Health (CIEH)", "recognised CPD")],
                 "skills": ["farm business planning", "food safety management", "HACCP"],
                 "pool": """
6|Regenerative Agriculture|soil biology;cover cropping;grazing management;soil structure and earthworms;herbal leys;reduced tillage|100998
6|Precision Farming Technologies|GPS guidance;variable-rate application;farm data management;yield mapping;drones and satellite imagery;farm management software|101006
7|Farm Business Management|farm accounts;enterprise costings;diversification planning;gross margins;farm budgets;succession planning on farms|100517
6|Food Safety Management|HACCP;allergen management;food hygiene legislation;critical control points;allergen labelling;food safety audits|101018|p
6|Sheep and Beef Herd Health|herd health planning;parasite control;biosecurity;lameness;worm egg counts;calving and lambing management|100936
7|Agri-Environment and Farm Carbon|farm carbon audits;agri-environment schemes;hedgerow and woodland carbon;soil carbon sequestration;hedgerow planting;on-farm emissions|100998
6|Food Product Development|product formulation;shelf life testing;sensory evaluation;recipe scaling;nutritional labelling;consumer taste panels|100527
6|Dairy Production Systems|dairy nutrition;milk quality;herd fertility;rations and forage;mastitis control;breeding and calving index|100517
7|Sustainable Food Systems|food supply chains;food security;dietary sustainability;food waste;local food economies;diets and climate|100527
6|Agricultural Policy after Brexit|sustainable farming schemes;trade and tariffs;support payment reform;the Sustainable Farming Incentive;Welsh Sustainable Farming Scheme;agricultural trade deals|100600
6|Grassland Management|sward assessment;nutrient management;silage making;rotational grazing;soil testing and liming;clover and grass mixtures|100517|L
"""},
    "heritage": {"family": "humanities", "code": "HE", "hecos": "100807", "psrb": [],
                 "skills": ["Welsh history"],
                 "pool": """
6|Heritage Interpretation|interpretation planning;visitor experience;digital interpretation;interpretive panels;audience research for interpretation;audio guides and apps|100807
6|Industrial Heritage of Wales|slate and coal landscapes;industrial archaeology;World Heritage Sites;slate quarries of Gwynedd;south Wales coalfield;Blaenavon and Pontcysyllte|100805
7|Managing Historic Places|conservation management plans;heritage significance;heritage funding;listed building consent;statements of significance;National Lottery Heritage Fund bids|100807
5|Oral History in Practice|interview techniques;recording and archiving;ethics of oral history;recording equipment;transcription and summaries;consent and copyright in recordings|100302|L
6|Museum Collections Care|preventive conservation;collections documentation;Spectrum standards;environmental monitoring in stores;integrated pest management;object handling|100918
6|Cultural Tourism|heritage tourism markets;cultural routes;sustainable tourism;heritage visitor markets;themed trails;tourism impacts on communities|100875
"""},
}

# Near-duplicates: the same course, written twice by two providers, so overlap detection has work to do.
NEAR_DUPLICATES = [
    {
        "key": "ml", "area": "ai", "level": 7, "hecos": "100992",
        "concepts": ["supervised learning", "model evaluation and validation", "feature engineering"],
        "a": {"provider": "wychbury", "title": "Applied Machine Learning for Data Scientists", "credit": 15,
              "flags": "o:pgcert-applied-data-science",
              "outcomes": [
                  "Critically evaluate supervised learning algorithms and justify the choice of model for a given problem.",
                  "Apply feature engineering and model validation techniques to realistic, imperfect datasets.",
                  "Design and implement a reproducible machine learning pipeline in Python using scikit-learn.",
                  "Critically assess the fairness, transparency and limitations of machine learning models.",
                  "Communicate model performance and uncertainty clearly to non-specialist stakeholders.",
              ]},
        "b": {"provider": "kingsbridge", "title": "Applied Machine Learning", "credit": 15,
              "outcomes": [
                  "Critically evaluate supervised learning algorithms and justify model selection for a given problem.",
                  "Apply feature engineering and cross-validation techniques to real-world datasets.",
                  "Design and implement a reproducible machine learning pipeline in Python.",
                  "Critically assess the fairness and limitations of machine learning models.",
              ]},
    },
    {
        "key": "change", "area": "leadership", "level": 7, "hecos": "100476",
        "concepts": ["leading change", "co-production with people who use services", "improvement methods"],
        "a": {"provider": "northmoor", "title": "Leading Change in Health and Social Care", "credit": 20,
              "outcomes": [
                  "Critically evaluate models of change leadership and their application in health and social care.",
                  "Analyse the organisational culture of your own service and its readiness for change.",
                  "Design a change initiative co-produced with people who use services and their carers.",
                  "Apply improvement methods such as Plan-Do-Study-Act cycles to measure the impact of change.",
                  "Critically reflect on your own leadership behaviours during a period of change.",
              ]},
        "b": {"provider": "glenarden", "title": "Leading Change in Health and Social Care Services", "credit": 20,
              "outcomes": [
                  "Critically evaluate theories of change leadership and apply them to health and social care services.",
                  "Analyse your service's organisational culture and readiness for change.",
                  "Design a change project co-produced with people who use services.",
                  "Critically reflect on your leadership behaviours when leading change.",
              ]},
    },
    {
        "key": "agile", "area": "projects", "level": 6, "hecos": "100812",
        "concepts": ["agile project management", "Scrum and Kanban", "iterative delivery"],
        "a": {"provider": "wychbury", "title": "Agile Project Management in Practice", "credit": 15,
              "outcomes": [
                  "Explain the values and principles of agile project management and contrast them with predictive approaches.",
                  "Apply Scrum and Kanban practices to plan and track the iterative delivery of a project.",
                  "Analyse the roles of product owner, delivery team and stakeholders in an agile project.",
                  "Evaluate the suitability of agile methods for a project in your own organisation.",
              ]},
        "b": {"provider": "kingsbridge", "title": "Agile Project Management: Principles and Practice", "credit": 15,
              "outcomes": [
                  "Explain agile values and principles and compare them with traditional, predictive project management.",
                  "Apply Scrum and Kanban to plan and monitor iterative delivery.",
                  "Evaluate whether agile methods suit a given project and organisation.",
              ]},
    },
    {
        "key": "netzero", "area": "environment", "level": 6, "hecos": "101070",
        "concepts": ["carbon literacy", "net zero planning", "organisational carbon footprints"],
        "a": {"provider": "caerwyn", "title": "Carbon Literacy and Net Zero Planning for Organisations", "credit": 10,
              "outcomes": [
                  "Explain the science of climate change and the UK and Welsh net zero commitments.",
                  "Calculate an organisational carbon footprint across scopes 1, 2 and 3 using recognised methods.",
                  "Develop a costed net zero action plan for an organisation, with milestones and responsibilities.",
                  "Evaluate the co-benefits and trade-offs of decarbonisation options.",
              ]},
        "b": {"provider": "glenarden", "title": "Net Zero Planning and Carbon Literacy for Organisations", "credit": 10,
              "outcomes": [
                  "Explain the science of climate change and Scotland's and the UK's net zero targets.",
                  "Calculate an organisation's carbon footprint across scopes 1, 2 and 3.",
                  "Develop a net zero action plan for an organisation with clear milestones.",
                  "Evaluate the co-benefits and trade-offs of decarbonisation options.",
              ]},
    },
    {
        "key": "digmk", "area": "marketing", "level": 6, "hecos": "100075",
        "concepts": ["digital marketing channels", "campaign planning", "marketing metrics"],
        "a": {"provider": "wychbury", "title": "Digital Marketing Campaign Planning", "credit": 20,
              "flags": "o:grad-cert-digital-marketing",
              "outcomes": [
                  "Analyse the strengths and limitations of the main digital marketing channels for a given audience.",
                  "Plan an integrated digital marketing campaign with SMART objectives and a realistic budget.",
                  "Apply appropriate metrics to monitor campaign performance and optimise spend.",
                  "Evaluate the ethical and legal constraints on digital marketing, including consent and advertising standards.",
              ]},
        "b": {"provider": "ashcombe", "title": "Planning Digital Marketing Campaigns", "credit": 20,
              "outcomes": [
                  "Analyse the main digital marketing channels and their suitability for different audiences.",
                  "Plan an integrated digital marketing campaign with SMART objectives and a budget.",
                  "Apply marketing metrics to monitor and optimise campaign performance.",
                  "Evaluate legal and ethical constraints on digital marketing.",
              ]},
    },
]

# Declared exclusions: a native course's "excludes" names courses that are the same course for credit, which
# the member says itself (so the directory need not ask). Two are planted, built after every other course
# with a generator of their own, so nothing else in the feeds moves:
#   * a replacement: Kingsbridge's successor to one of its modules, listed beside it while the old one closes
#     to new learners; its outcomes are largely the old module's, so detection alone would flag the pair;
#   * a shared syllabus: one module specification taught by two members, each naming the other's course.
REPLACEMENT = {
    "provider": "kingsbridge", "replaces": "Cyber Security Fundamentals", "area": "cyber", "level": 6,
    "title": "Cyber Security Foundations", "credit": 15, "hecos": "100376", "flags": "L",
    "concepts": ["the CIA triad", "common attack vectors", "security controls", "cloud account security",
                 "ransomware response", "patch management"],
    "closes": "31 July 2026",
    # The old module's outcomes are kept but its last one; these two are new.
    "new_outcomes": [
        "Configure basic security controls for cloud accounts and shared storage.",
        "Follow a ransomware response plan, from isolating affected systems to restoring from backups.",
    ],
}

SHARED_SYLLABUS = {
    "area": "socialcare", "level": 6, "credit": 20, "hecos": "100476", "flags": "C",
    "title": "Social Prescribing Link Worker Practice",
    "concepts": ["social prescribing", "what matters to you conversations", "community asset mapping",
                 "personal wellbeing plans", "link worker caseloads", "wellbeing outcome measures"],
    "aims": "To prepare social prescribing link workers to support people with non-medical needs through "
            "personalised, community-based support, to the module specification shared by Northmoor University "
            "and Caerwyn University.",
    "sides": [
        {"provider": "northmoor", "where": "primary care networks in England",
         "summary": "The consortium's shared module for social prescribing link workers, taught to one "
                    "specification by Northmoor University and Caerwyn University. Set in primary care networks "
                    "in England; taught in a cohort alongside your own link worker caseload."},
        {"provider": "caerwyn", "where": "primary care clusters in Wales",
         "summary": "The consortium's shared module for social prescribing link workers, taught to one "
                    "specification by Caerwyn University and Northmoor University. Set in primary care clusters "
                    "in Wales, with Welsh-language services in the asset map; taught in a cohort alongside your "
                    "own link worker caseload."},
    ],
    "outcomes": [
        "Explain the purpose of social prescribing and the role of the link worker within {where}.",
        "Hold a 'what matters to you' conversation and co-produce a personal wellbeing plan.",
        "Map community assets and voluntary sector services for referral in your locality.",
        "Manage a link worker caseload safely, applying safeguarding procedures and professional boundaries.",
        "Evaluate the impact of social prescribing using wellbeing outcome measures such as ONS4 and WEMWBS.",
    ],
}


# Courses taught through the medium of Welsh (written in Welsh, not generated from templates).
WELSH_COURSES = [
    {
        "title": "Cymraeg yn y Gweithle: Cyfathrebu Proffesiynol", "level": 4, "credit": 10, "hecos": "100333",
        "languages": ["cy"], "learner_led": True,
        "summary": "Cwrs ar-lein i weithwyr sy'n dymuno defnyddio'r Gymraeg yn hyderus wrth ysgrifennu a siarad yn y gwaith.",
        "aims": "Datblygu hyder a chywirdeb wrth ddefnyddio'r Gymraeg mewn cyd-destunau proffesiynol.",
        "outcomes": [
            "Llunio gohebiaeth broffesiynol gywir yn Gymraeg ar gyfer cynulleidfaoedd gwahanol.",
            "Addasu cywair iaith yn briodol ar gyfer sefyllfaoedd ffurfiol ac anffurfiol.",
            "Defnyddio adnoddau iaith ac offer technoleg iaith i wella cywirdeb testun.",
            "Myfyrio ar eu datblygiad ieithyddol eu hunain a llunio cynllun gweithredu.",
        ],
        "assessment": ["Portffolio o waith ysgrifenedig (60%)", "Cyflwyniad llafar (40%)"],
        "skills": ["ysgrifennu proffesiynol", "cyfathrebu llafar", "technoleg iaith"],
        "entry": "Dim gofynion mynediad ffurfiol; dylech allu cynnal sgwrs syml yn Gymraeg.",
    },
    {
        "title": "Cyfieithu Proffesiynol: Egwyddorion ac Ymarfer", "level": 6, "credit": 20, "hecos": "101130",
        "languages": ["cy"], "learner_led": False,
        "summary": "Cyflwyniad ymarferol i gyfieithu o'r Saesneg i'r Gymraeg yn y sector cyhoeddus, gan gynnwys defnyddio cof cyfieithu a therminoleg safonol.",
        "aims": "Datblygu sgiliau cyfieithu proffesiynol sy'n cyrraedd safonau'r sector cyhoeddus yng Nghymru.",
        "outcomes": [
            "Gwerthuso'n feirniadol strategaethau cyfieithu ar gyfer testunau gweinyddol a thechnegol.",
            "Cymhwyso terminoleg safonol a chanllawiau arddull wrth gyfieithu dogfennau cyhoeddus.",
            "Defnyddio meddalwedd cof cyfieithu yn effeithiol ac yn gyfrifol.",
            "Adolygu a golygu cyfieithiadau eraill gan roi adborth adeiladol.",
        ],
        "assessment": ["Portffolio cyfieithu (70%)", "Arholiad cyfieithu dan oruchwyliaeth (30%)"],
        "skills": ["cyfieithu", "golygu", "terminoleg", "cof cyfieithu"],
        "entry": "Gradd neu brofiad cyfatebol, a Chymraeg rhugl.",
    },
    {
        "title": "Addysgu Dwyieithog yn yr Ystafell Ddosbarth", "level": 7, "credit": 30, "hecos": "101246",
        "languages": ["cy", "en"], "learner_led": False,
        "summary": "Modiwl i athrawon a darlithwyr sy'n datblygu strategaethau trawsieithu ac addysgu dwyieithog.",
        "aims": "Galluogi ymarferwyr i gynllunio, gweithredu a gwerthuso dulliau addysgu dwyieithog effeithiol.",
        "outcomes": [
            "Dadansoddi'n feirniadol ymchwil gyfredol ar addysg ddwyieithog a thrawsieithu.",
            "Cynllunio gweithgareddau dysgu sy'n datblygu sgiliau dwyieithog dysgwyr.",
            "Gwerthuso effaith eu harfer eu hunain ar ddefnydd dysgwyr o'r Gymraeg.",
            "Cyfrannu at ddatblygu polisi iaith o fewn eu sefydliad.",
        ],
        "assessment": ["Ymholiad ymarferydd, 4,000 gair (70%)", "Cyflwyniad i gymheiriaid (30%)"],
        "skills": ["trawsieithu", "cynllunio gwersi", "ymchwil ymarferydd"],
        "entry": "Gradd anrhydedd a phrofiad o addysgu; gallu i addysgu drwy gyfrwng y Gymraeg.",
    },
    {
        "title": "Hanes Cymru Fodern, 1850–2000", "level": 5, "credit": 20, "hecos": "100760",
        "languages": ["cy"], "learner_led": True,
        "summary": "Archwiliad o'r newidiadau cymdeithasol, gwleidyddol a diwylliannol a luniodd Gymru fodern, o'r chwyldro diwydiannol hyd at ddatganoli.",
        "aims": "Datblygu dealltwriaeth o hanes Cymru fodern a'r sgiliau i ddadansoddi ffynonellau hanesyddol.",
        "outcomes": [
            "Disgrifio prif ddatblygiadau gwleidyddol a chymdeithasol Cymru rhwng 1850 a 2000.",
            "Dadansoddi ffynonellau gwreiddiol yn Gymraeg a Saesneg.",
            "Egluro dylanwad diwydiant, crefydd ac iaith ar hunaniaeth Gymreig.",
            "Cyflwyno dadl hanesyddol gydlynol ar ffurf traethawd.",
        ],
        "assessment": ["Traethawd 3,000 gair (100%)"],
        "skills": ["ymchwil hanesyddol", "dadansoddi ffynonellau", "ysgrifennu academaidd"],
        "entry": "Dim gofynion mynediad ffurfiol.",
    },
    {
        "title": "Gofal Cymdeithasol drwy Gyfrwng y Gymraeg: y Cynnig Rhagweithiol", "level": 6, "credit": 10,
        "hecos": "100501", "languages": ["cy", "en"], "learner_led": True,
        "summary": "Cwrs byr i staff gofal cymdeithasol ar ddarparu gwasanaethau yn Gymraeg heb i'r unigolyn orfod gofyn amdanynt.",
        "aims": "Sicrhau bod ymarferwyr yn deall ac yn gweithredu'r Cynnig Rhagweithiol yn eu gwaith bob dydd.",
        "outcomes": [
            "Egluro egwyddorion y Cynnig Rhagweithiol a'r fframwaith polisi 'Mwy na Geiriau'.",
            "Asesu anghenion iaith defnyddwyr gwasanaeth a'u teuluoedd.",
            "Cymhwyso'r Cynnig Rhagweithiol wrth gynllunio gofal sy'n canolbwyntio ar yr unigolyn.",
        ],
        "assessment": ["Astudiaeth achos fyfyriol, 2,000 gair (100%)"],
        "skills": ["gofal sy'n canolbwyntio ar yr unigolyn", "cynllunio iaith", "ymarfer myfyriol"],
        "entry": "Rhaid eich bod yn gweithio ym maes iechyd neu ofal cymdeithasol.",
    },
]

# Gaelic-language related courses at Glenarden, taught in English with Gaelic materials.
GAELIC_COURSES = [
    "4|Gaelic for the Workplace: Beginners|everyday Gaelic conversation;Gaelic in public signage and services;Gaelic language plans;greetings and introductions;bilingual signs and forms;Gaelic in customer service|101120|L",
]

# ---------------------------------------------------------------------------------------------------
# Providers. All fictional. level_scheme: how FHEQ-equivalent levels are expressed.
# ---------------------------------------------------------------------------------------------------

PROVIDERS = [
    {
        "slug": "wychbury", "id": "10099001", "name": "University of Wychbury", "prefix": "WYC",
        "domain": "wychbury.ac.example", "framework": "FHEQ", "credit": "CATS", "format": "native",
        "rate": 58, "languages": [["en"], ["en-GB"]], "free_share": 0.1,
        "areas": [("data", 23), ("ai", 1), ("marketing", 9), ("psychology", 8), ("projects", 5),
                  ("leadership", 4), ("education", 6)],
        "qa": "Approved through the University of Wychbury's Academic Quality Framework for short courses; "
              "externally examined and reviewed annually in line with the UK Quality Code for Higher Education.",
        "cohort_starts": ["2026-02-23", "2026-04-27", "2026-09-28", "2027-01-25", "2027-04-26"],
    },
    {
        "slug": "northmoor", "id": "10099002", "name": "Northmoor University", "prefix": "NMU",
        "domain": "northmoor.ac.example", "framework": "FHEQ", "credit": "CATS", "format": "native",
        "rate": 45, "languages": [["en-GB"]], "free_share": 0.1,
        "areas": [("nursing", 18), ("pubhealth", 8), ("socialcare", 9), ("leadership", 5), ("hr", 6),
                  ("law_health", 5), ("education", 5)],
        "qa": "Validated by Northmoor University's Faculty of Health and Social Care Quality Committee; subject to "
              "external examination, annual monitoring and periodic review. Practice-based courses are co-approved "
              "with partner NHS trusts.",
        "cohort_starts": ["2026-03-02", "2026-05-11", "2026-09-14", "2027-01-11", "2027-05-10"],
    },
    {
        "slug": "kingsbridge", "id": "10099003", "name": "Kingsbridge Institute of Technology", "prefix": "KIT",
        "domain": "kingsbridge-tech.ac.example", "framework": "FHEQ", "credit": "ECTS", "format": "native",
        "rate": 62, "languages": [["en"], ["en-GB"]], "free_share": 0.04,
        "areas": [("cyber", 13), ("software", 11), ("ai", 10), ("engineering", 19), ("projects", 2)],
        "qa": "Kingsbridge micro-credentials are approved by the Institute's Academic Standards Committee, designed "
              "in ECTS to support recognition across Europe, and reviewed by external examiners from industry and "
              "academia.",
        "cohort_starts": ["2026-02-09", "2026-06-01", "2026-10-05", "2027-02-08", "2027-06-07"],
    },
    {
        "slug": "glenarden", "id": "10099004", "name": "University of Glenarden", "prefix": "GLN",
        "domain": "glenarden.ac.example", "framework": "SCQF", "credit": "SCQF", "format": "native",
        "rate": 40, "languages": [["en"]], "free_share": 0.3,
        "areas": [("environment", 11), ("marine", 6), ("psychology", 7), ("leadership", 6), ("pubhealth", 6),
                  ("law_scots", 5), ("education", 4)],
        "qa": "Approved under the University of Glenarden's quality framework and credit-rated on the Scottish Credit "
              "and Qualifications Framework (SCQF); subject to external examining and the QAA Scotland Tertiary "
              "Quality Enhancement Framework.",
        "cohort_starts": ["2026-01-26", "2026-04-20", "2026-09-21", "2027-01-25", "2027-04-19"],
    },
    {
        "slug": "caerwyn", "id": "10099005", "name": "Caerwyn University", "welsh_name": "Prifysgol Caerwyn",
        "prefix": "CRW", "domain": "caerwyn.ac.example", "framework": "CQFW", "credit": "CQFW", "format": "native",
        "rate": 35, "languages": [["en"], ["en"], ["en"], ["en", "cy"]], "free_share": 0.2,
        "areas": [("agrifood", 11), ("heritage", 6), ("education", 6), ("socialcare", 6), ("environment", 7),
                  ("leadership", 5), ("marketing", 4)],
        "qa": "Approved by Caerwyn University's Academic Board and credit-rated on the Credit and Qualifications "
              "Framework for Wales (CQFW); subject to external examination and annual monitoring in line with the "
              "UK Quality Code for Higher Education.",
        "cohort_starts": ["2026-02-02", "2026-04-13", "2026-09-28", "2027-01-18", "2027-04-12"],
    },
    {
        "slug": "ashcombe", "id": "10099006", "name": "Ashcombe Metropolitan University", "prefix": "AMU",
        "domain": "ashcombe.ac.example", "framework": "FHEQ", "credit": "CATS", "format": "xcri-cap",
        "rate": 50, "languages": [["en"]], "free_share": 0.06,
        "areas": [("builtenv", 15), ("law_commercial", 7), ("finance", 11), ("marketing", 5), ("software", 5),
                  ("projects", 6)],
        "qa": "",
        "cohort_starts": ["2026-03-09", "2026-09-21", "2027-01-18"],
    },
]

# Glenarden's data courses: four lines drawn from the end of the data pool, plus its own.
GLENARDEN_EXTRA = [
    "7|Data Science for Public Services|public sector data sources;service performance analytics;data-informed policy;administrative data;service demand forecasting;evaluating public services with data|100755|",
    "6|Introduction to R for Scientists|the tidyverse;reproducible reports with R Markdown;statistical graphics;dplyr and ggplot2;Quarto documents;linear models in R|101030|L",
    "7|Machine Learning for Environmental Data|remote sensing imagery;species distribution models;spatial cross-validation;satellite image classification;habitat suitability models;spatial autocorrelation|100992|",
    "8|Advanced Qualitative Research Methods|interpretative phenomenological analysis;reflexivity;qualitative data software;phenomenological interviews;researcher positionality;NVivo coding|100959|",
    "7|Applied Data Science with Python|exploratory data analysis;predictive modelling;data pipelines;scikit-learn pipelines;model selection;automated data workflows|100755|o:pgcert-applied-data-science",
]

JACS_FOR_AREA = {
    "builtenv": ["K200", "K230", "K240", "K210"], "law_commercial": ["M221", "M200", "M100"],
    "finance": ["N400", "N300", "N340", "N420"], "marketing": ["N500"], "software": ["I300", "I100", "G400"],
    "projects": ["N200", "N211"],
}
JACS_NAMES = {"G400": "Computer science"}

CREDIT_WEIGHTS = {10: 3, 15: 4, 20: 4, 30: 2}
ECTS_BY_CATS = {10: 5, 15: 7.5, 20: 10, 30: 15}


# ---------------------------------------------------------------------------------------------------


def parse_line(line: str) -> dict:
    parts = [p.strip() for p in line.split("|")]
    while len(parts) < 5:
        parts.append("")
    level, title, concepts, hecos, flags = parts[:5]
    return {
        "level": int(level), "title": title, "concepts": [c.strip() for c in concepts.split(";")],
        "hecos": [h for h in hecos.split("+") if h], "flags": [f for f in flags.split(",") if f],
    }


def pool(area: str) -> list[dict]:
    return [parse_line(line) for line in AREAS[area]["pool"].strip().splitlines() if line.strip()]


def slugify(text: str) -> str:
    text = text.lower().replace("&", "and").replace("–", "-")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def provider_level(provider: dict, fheq: int, rng: random.Random) -> int:
    if provider["framework"] == "SCQF":
        return {4: 7, 5: 8, 6: rng.choice([9, 10, 10]), 7: 11, 8: 12}[fheq]
    return fheq


def eqf_of(fheq: int) -> int:
    return {4: 5, 5: 5, 6: 6, 7: 7, 8: 8}[fheq]


def pick_credit(rng: random.Random, flags: list[str], fheq: int, ects: bool = False) -> int:
    for f in flags:
        if re.fullmatch(r"c\d+", f):
            return int(f[1:])
    weights = dict(CREDIT_WEIGHTS)
    if fheq <= 5:
        weights[30] = 0
        weights[10] += 3
    if fheq >= 7:
        weights[10] = 1
    if ects:  # Kingsbridge designs in 5, 7.5 and 10 ECTS
        weights[30] = 0
    values = [v for v in weights if weights[v]]
    return rng.choices(values, weights=[weights[v] for v in values])[0]


def text_rng(provider: dict, title: str) -> random.Random:
    """The course's own generator for choosing sentence frames: seeded from the course, not shared."""
    return random.Random(f"{SEED}|{provider['slug']}|{title}")


def fill(template: str, topics: list[str]) -> str:
    """A summary or aim frame: {a} {b} {c} the key concepts, {d} {e} {f} the sub-topics (repeating the
    concepts when a course has fewer topics)."""
    key = (topics[:3] * 3)[:3]
    subs = (topics[3:] or topics)
    subs = (subs * 3)[:3]
    return cap(template.format(a=key[0], b=key[1], c=key[2], d=subs[0], e=subs[1], f=subs[2]))


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def outcome_tiers(rng: random.Random, family: str, fheq: int) -> list[int]:
    """How many outcomes and of which tiers, from knowledge to evaluation: the draws the template picker
    made (LEGACY_DRAWS), so the main generator's sequence is unchanged."""
    n = rng.choice([3, 4, 4, 5, 5, 6])
    if fheq <= 5:
        wanted = {1: 2, 2: 2, 3: 0}
    elif fheq == 6:
        wanted = {1: 0, 2: 3, 3: 1}
    else:
        wanted = {1: 0, 2: 2, 3: 3}
    sizes = LEGACY_DRAWS[family][0]
    candidates = [(tier, k, weight) for tier, weight in wanted.items() if weight for k in range(sizes[tier - 1])]
    chosen: list[int] = []
    while candidates and len(chosen) < n:
        item = rng.choices(candidates, weights=[w for _, _, w in candidates])[0]
        candidates.remove(item)
        chosen.append(item[0])
    return sorted(chosen)


def pick_outcomes(rng: random.Random, own: random.Random, family: str, topics: list[str], fheq: int) -> list[str]:
    """Outcomes about the course's own topics: each outcome about another topic (key concepts and sub-topics
    in turn), in frames of its tier chosen by the course's own generator ``own``, no frame twice."""
    tiers = outcome_tiers(rng, family, fheq)
    start = rng.randrange(3)  # which key concept the first outcome is about
    key = topics[:3]
    key = key[start % len(key):] + key[:start % len(key)]
    subs = topics[3:]
    own.shuffle(subs)
    order: list[str] = []
    for i in range(max(len(key), len(subs))):
        order += [t for t in (key[i] if i < len(key) else None, subs[i] if i < len(subs) else None)
                  if t and t not in order]
    frames = {tier: own.sample(OUTCOME_FRAMES[tier], tiers.count(tier)) for tier in set(tiers)}
    out = []
    for i, tier in enumerate(tiers):
        x = order[i % len(order)]
        y = order[(i + max(1, len(order) // 2)) % len(order)]
        out.append(cap(frames[tier].pop().format(x=x, y=y)))
    return out


def words_for(credit_cats: int) -> tuple[str, str]:
    long_ = {10: "2,000", 15: "2,500", 20: "3,000", 30: "4,000"}[credit_cats]
    short = {10: "1,000", 15: "1,000", 20: "1,500", 30: "2,000"}[credit_cats]
    return long_, short


def pick_assessment(rng: random.Random, family: dict, credit_cats: int) -> list[str]:
    n = rng.choices([1, 2, 3], weights=[2, 5, 2])[0]
    if credit_cats <= 10:
        n = min(n, 2)
    items = rng.sample(family["assessment"], n)
    w, s = words_for(credit_cats)
    splits = {1: [[100]], 2: [[50, 50], [60, 40], [70, 30], [40, 60]], 3: [[40, 30, 30], [50, 25, 25], [20, 40, 40]]}[n]
    split = rng.choice(splits)
    # "Technical report (3,000 words)" -> "Technical report, 3,000 words (60%)"
    out = []
    for item, pct in zip(items, split, strict=True):
        text = re.sub(r" [(]([^)]*)[)]$", r", \1", item.format(w=w, s=s))
        out.append(f"{text} ({pct}%)")
    return out


def is_supervised(assessment: list[str]) -> bool:
    return any(re.search(r"examination|\btest\b|OSCE|Observed|viva|Arholiad", a, re.I) for a in assessment)


ENTRY_BY_LEVEL = {
    4: ["No formal entry requirements. You should be comfortable studying online and writing in English.",
        "Open to all; no previous study is required."],
    5: ["No formal entry requirements, though some study at level 4 or relevant work experience is helpful.",
        "Level 3 qualifications (for example, A levels or an Access to HE Diploma) or equivalent experience."],
    6: ["Normally 240 credits of higher education study (for example, a foundation degree or HND) in a related subject, "
        "or relevant professional experience.",
        "A level 5 qualification or at least two years' relevant work experience.",
        "Open to graduates in any subject and to experienced practitioners without a degree, assessed case by case."],
    7: ["A UK honours degree (normally 2:2 or above) in a relevant subject, or equivalent professional qualifications "
        "and experience.",
        "An honours degree or equivalent, plus at least two years' relevant professional experience.",
        "A first degree in any discipline; applicants without a degree but with substantial relevant experience are welcome to apply."],
    8: ["Registration on a doctoral programme, or a master's degree and current research activity."],
}

COST_NOTES = [
    "Fee covers tuition, assessment and a digital credential.",
    "Employer-sponsored places are invoiced at the same rate.",
    "A 10% discount applies to alumni of member universities.",
    "Instalment plans are available on request.",
    "Includes access to online library resources for the duration of the course.",
]

FREE_NOTES = {
    "wychbury": "Free: fully funded by the Wychbury Regional Skills Partnership for learners working in the region.",
    "northmoor": "No fee for staff of partner NHS trusts and local authorities; funded through workforce development budgets.",
    "kingsbridge": "Free for employees of Kingsbridge Digital Skills Partnership member organisations.",
    "glenarden": "No fee: funded places for learners living or working in Scotland (eligibility criteria apply).",
    "caerwyn": "Free to learners living or working in Wales through the Caerwyn Skills Fund (eligibility criteria apply).",
    "ashcombe": "Free: funded by the Ashcombe Construction Skills Fund.",
}

MODE_CHOICES = {
    "computing": [["online-asynchronous"], ["online-synchronous"], ["blended"], ["online-synchronous", "online-asynchronous"], ["on-campus"]],
    "health": [["blended"], ["blended", "work-based"], ["online-asynchronous"], ["online-synchronous"], ["on-campus"], ["work-based"]],
    "business": [["online-asynchronous"], ["online-synchronous"], ["blended"], ["work-based", "online-asynchronous"]],
    "law": [["online-asynchronous"], ["online-synchronous"], ["blended"]],
    "education": [["blended"], ["online-synchronous"], ["work-based", "online-asynchronous"], ["on-campus"]],
    "engineering": [["blended"], ["on-campus"], ["online-synchronous"], ["work-based", "blended"]],
    "environment": [["blended"], ["online-asynchronous"], ["on-campus"], ["online-synchronous"]],
    "psychology": [["online-asynchronous"], ["online-synchronous"], ["blended"]],
    "builtenv": [["blended"], ["on-campus"], ["online-synchronous"]],
    "humanities": [["online-asynchronous"], ["blended"], ["on-campus"]],
}


def cohort_schedule(rng: random.Random, provider: dict, hours: int) -> dict:
    starts = provider["cohort_starts"]
    k = rng.choices([1, 2, 3], weights=[3, 4, 2])[0]
    first = rng.randrange(0, len(starts) - k + 1)
    chosen = starts[first:first + k]
    weeks = max(4, min(20, round(hours / rng.choice([8, 10, 12]))))
    presentations = []
    for s in chosen:
        start = date.fromisoformat(s)
        presentations.append({
            "start": start.isoformat(),
            "end": (start + timedelta(weeks=weeks, days=-3)).isoformat(),
            "apply_by": (start - timedelta(days=rng.choice([14, 21, 28]))).isoformat(),
            "places": rng.choice([16, 20, 24, 25, 30, 40, 50, 60]),
        })
    return {"type": "cohort", "presentations": presentations}


def updated_stamp(rng: random.Random) -> str:
    day = date(2025, 9, 1) + timedelta(days=rng.randrange(0, 130))
    return f"{day.isoformat()}T{rng.randrange(8, 18):02d}:{rng.choice(['00', '15', '30', '45'])}:00Z"


def build_course(rng: random.Random, provider: dict, area: str, spec: dict, seq: int) -> dict:
    fam_name = AREAS[area]["family"] if area in AREAS else "humanities"
    family = FAMILIES[fam_name]
    area_info = AREAS.get(area, {})
    fheq = spec["level"]
    flags = spec.get("flags", [])
    cats = spec.get("credit") or pick_credit(rng, flags, fheq, provider["credit"] == "ECTS")
    level_value = provider_level(provider, fheq, rng)
    code = area_info.get("code", "GN")
    cid = f"{provider['prefix']}-{code}{level_value}{seq:02d}"
    title = spec["title"]
    concepts = spec["concepts"]
    base = f"https://www.{provider['domain']}"

    # schedule
    if provider["format"] == "xcri-cap":  # XCRI-CAP describes courses through dated presentations
        learner_led = False
    elif "L" in flags:
        learner_led = True
    elif "C" in flags:
        learner_led = False
    else:
        learner_led = rng.random() < 0.2
    hours = cats * 10

    # mode
    if learner_led:
        mode = rng.choice([["online-asynchronous"], ["online-asynchronous"], ["online-asynchronous", "work-based"]])
        schedule = {"type": "learner-led", "max_engagement_days": rng.choice([90, 120, 180, 180, 365])}
    else:
        mode = rng.choice(MODE_CHOICES[fam_name])
        schedule = cohort_schedule(rng, provider, hours)

    # Outcomes, summary and aims from the course's own topics; frames chosen by its own generator.
    own = text_rng(provider, title)
    _tiers, hooks, aim_count = LEGACY_DRAWS[fam_name]
    outcomes = spec.get("outcomes") or pick_outcomes(rng, own, fam_name, concepts, fheq)
    if spec.get("summary"):
        summary = spec["summary"]
    else:
        rng.randrange(hooks)  # the draw of the family's summary hook (LEGACY_DRAWS)
        summary = " ".join([
            fill(own.choice(SUMMARY_FRAMES), concepts),
            delivery_sentence(rng, learner_led, mode, hours, schedule),
            rng.choice(family["audience"]),
        ])
    if spec.get("aims"):
        aims = spec["aims"]
    else:
        rng.randrange(aim_count)  # the draw of the family's aim (LEGACY_DRAWS)
        aims = fill(own.choice(AIM_FRAMES), concepts)

    assessment = spec.get("assessment") or pick_assessment(rng, family, cats)
    supervised = is_supervised(assessment)
    if supervised:
        supervision = "supervised-online" if mode[0].startswith("online") else "supervised-onsite"
        identity = True
    else:
        supervision = "unsupervised"
        identity = rng.random() < 0.45

    # cost
    if rng.random() < provider["free_share"]:
        cost = {"amount": "0.00", "currency": "GBP", "notes": FREE_NOTES[provider["slug"]]}
    else:
        amount = round(cats * provider["rate"] * rng.uniform(0.85, 1.2) / 5) * 5
        if fam_name == "health" and cats >= 30:
            amount = max(amount, 1450)
        cost = {"amount": f"{amount}.00", "currency": "GBP", "notes": rng.choice(COST_NOTES)}

    # entry requirements
    entry = spec.get("entry") or rng.choice(ENTRY_BY_LEVEL[fheq])
    extra = family.get("entry")
    if extra and not spec.get("entry") and (fam_name in ("health", "education") or rng.random() < 0.5):
        entry = f"{entry} {extra}"
    if fam_name == "health" and "p" in flags and area == "nursing":
        entry += " Current registration with the Nursing and Midwifery Council (NMC) is required."

    skills = spec.get("skills")
    if not skills:
        bank = family["skills"] + area_info.get("skills", [])
        skills = rng.sample(bank, rng.randint(3, 6))

    psrb = []
    if "p" in flags and area_info.get("psrb"):
        body, nature = rng.choice(area_info["psrb"])
        psrb.append({"body": body, "nature": nature})

    pathways = []
    for f in flags if provider["slug"] == "wychbury" else []:
        if f.startswith(("k:", "cap:")):
            pathways.append({"id": f.split(":", 1)[1], "role": "core"})
        elif f.startswith("o:"):
            pathways.append({"id": f.split(":", 1)[1], "role": "option"})

    subjects = [{"scheme": "HECoS", "code": h} for h in (spec.get("hecos") or [area_info["hecos"]])]
    credit_value: float | int = cats
    if provider["credit"] == "ECTS":
        credit_value = ECTS_BY_CATS[cats]

    course = {
        "id": cid,
        "status": "active",
        "title": title,
        "url": f"{base}/micro-credentials/{slugify(title)}",
        "summary": summary,
        "aims": aims,
        "learning_outcomes": outcomes,
        "credit": {"value": credit_value, "scheme": provider["credit"]},
        "level": {"framework": provider["framework"], "value": level_value},
        "subjects": subjects,
        "mode": mode,
        "study_hours": hours,
        "languages": spec.get("languages") or rng.choice(provider["languages"]),
        "schedule": schedule,
        "cost": cost,
        "entry_requirements": entry,
        "assessment": assessment,
        "assessment_supervision": supervision,
        "identity_verified": identity,
        "apply_url": f"https://apply.{provider['domain']}/micro-credentials/{cid.lower()}",
        "awarding_body": {"id": provider["id"], "name": provider["name"]},
        "quality_assurance": provider["qa"],
        "psrb_recognition": psrb,
        "skills": skills,
        "pathways": pathways,
        "updated": updated_stamp(rng),
        # carried for the generator only (removed before writing)
        "_area": area, "_fheq": fheq, "_cats": cats, "_flags": flags,
    }
    return course


def delivery_sentence(rng: random.Random, learner_led: bool, mode: list[str], hours: int, schedule: dict) -> str:
    if learner_led:
        days = schedule["max_engagement_days"]
        months = {90: "three months", 120: "four months", 180: "six months", 365: "twelve months"}[days]
        return rng.choice([
            f"Study at your own pace online: most learners complete the {hours} hours of study within {months}.",
            f"Start at any time and complete the course online within {months}, with tutor support throughout.",
            f"Fully online and self-paced, with {hours} hours of study to complete within {months}.",
        ])
    first = schedule["presentations"][0]
    start = date.fromisoformat(first["start"]).strftime("%B %Y")
    weeks = (date.fromisoformat(first["end"]) - date.fromisoformat(first["start"])).days // 7 + 1
    how = {
        "online-synchronous": "live online sessions",
        "online-asynchronous": "online study with weekly tutor contact",
        "blended": "a mix of online study and campus workshops",
        "on-campus": "on-campus teaching",
        "work-based": "learning in your own workplace",
    }[mode[0]]
    return rng.choice([
        f"Taught in small cohorts over {weeks} weeks through {how}; the next intake starts in {start}.",
        f"Runs over {weeks} weeks, next starting in {start}, through {how}.",
        f"Delivered through {how} across {weeks} weeks ({hours} hours of study in total).",
    ])


# ---------------------------------------------------------------------------------------------------


def plan_courses(rng: random.Random) -> dict[str, list[dict]]:
    """Every provider's courses, before provider-specific touches (withdrawn, broken, pathways)."""
    pools = {area: pool(area) for area in AREAS}
    cursor = {area: 0 for area in AREAS}
    result: dict[str, list[dict]] = {}
    for provider in PROVIDERS:
        specs: list[tuple[str, dict]] = []
        for area, count in provider["areas"]:
            take = pools[area][cursor[area]:cursor[area] + count]
            if len(take) < count:
                raise SystemExit(f"pool {area} exhausted for {provider['slug']}")
            cursor[area] += count
            specs += [(area, s) for s in take]
        if provider["slug"] == "glenarden":
            specs += [("data", parse_line(line)) for line in GLENARDEN_EXTRA]
            specs += [("gaelic", {**parse_line(line), "languages": ["en", "gd"]}) for line in GAELIC_COURSES]
        for dup in NEAR_DUPLICATES:
            for side in ("a", "b"):
                info = dup[side]
                if info["provider"] == provider["slug"]:
                    specs.append((dup["area"], {
                        "level": dup["level"], "title": info["title"], "concepts": dup["concepts"],
                        "hecos": [dup["hecos"]], "flags": [f for f in info.get("flags", "").split(",") if f],
                        "credit": info["credit"], "outcomes": info["outcomes"], "_dup": dup["key"],
                    }))
        if provider["slug"] == "caerwyn":
            for w in WELSH_COURSES:
                specs.append(("welsh", {
                    "level": w["level"], "title": w["title"], "concepts": ["", "", ""], "hecos": [w["hecos"]],
                    "flags": ["L"] if w["learner_led"] else ["C"], "credit": w["credit"],
                    "outcomes": w["outcomes"], "summary": w["summary"], "aims": w["aims"],
                    "assessment": w["assessment"], "skills": w["skills"], "entry": w["entry"],
                    "languages": w["languages"],
                }))
        courses = []
        seq_by_key: dict[str, int] = {}
        for area, spec in specs:
            key = f"{AREAS.get(area, {}).get('code', 'GN')}{spec['level']}"
            seq_by_key[key] = seq_by_key.get(key, 0) + 1
            course = build_course(rng, provider, area, spec, seq_by_key[key])
            if "_dup" in spec:
                course["_dup"] = spec["_dup"]
            courses.append(course)
        result[provider["slug"]] = courses
    return result


AREAS["welsh"] = {"family": "humanities", "code": "CY", "hecos": "100333", "psrb": [], "skills": [], "pool": ""}
AREAS["gaelic"] = {"family": "humanities", "code": "GD", "hecos": "101120", "psrb": [], "skills": [], "pool": ""}


def build_pathways(provider: dict, courses: list[dict], all_courses: dict[str, list[dict]]) -> list[dict]:
    by_pw: dict[str, dict[str, list[dict]]] = {}
    for c in courses:
        for f in c["_flags"]:
            if ":" in f:
                role, pw = f.split(":", 1)
                by_pw.setdefault(pw, {}).setdefault(role, []).append(c)
    external: dict[str, list[str]] = {}
    for slug, cs in all_courses.items():
        if slug == provider["slug"]:
            continue
        prov = next(p for p in PROVIDERS if p["slug"] == slug)
        for c in cs:
            for f in c["_flags"]:
                if f.startswith("o:"):
                    external.setdefault(f[2:], []).append(f"{prov['id']}/{c['id']}")
    # External options that do not flag themselves: Kingsbridge's near-duplicate machine learning course.
    for slug, cs in all_courses.items():
        prov = next(p for p in PROVIDERS if p["slug"] == slug)
        for c in cs:
            if c.get("_dup") == "ml" and slug != provider["slug"]:
                external.setdefault("pgcert-applied-data-science", []).append(f"{prov['id']}/{c['id']}")
    out = []
    meta = {
        "pgcert-applied-data-science": {
            "title": "Postgraduate Certificate in Applied Data Science", "level": 7, "total": 60,
            "min_at_level": 40, "option_min": 15, "max_external_share": 0.5, "max_span_years": 5,
            "description": "Stack three core micro-credentials (including the capstone project) with one option, "
                           "which may be taken at a partner university, to gain a PGCert.",
        },
        "grad-cert-digital-marketing": {
            "title": "Graduate Certificate in Digital Marketing", "level": 6, "total": 60,
            "min_at_level": 60, "option_min": 20, "max_external_share": 0.34, "max_span_years": 3,
            "description": "Two core and one optional 20-credit micro-credential make up the Graduate Certificate.",
        },
    }
    for pw, roles in by_pw.items():
        m = meta[pw]
        core = [c["id"] for c in roles.get("k", []) + roles.get("cap", [])]
        capstone = roles.get("cap", [None])[0]
        options = [f"{provider['id']}/{c['id']}" for c in roles.get("o", [])] + external.get(pw, [])
        out.append({
            "id": pw,
            "title": m["title"],
            "description": m["description"],
            "url": f"https://www.{provider['domain']}/pathways/{pw}",
            "level": {"framework": "FHEQ", "value": m["level"]},
            "total_credit": {"value": m["total"], "scheme": "CATS"},
            "rules": {
                "min_credit_at_level": {"level": m["level"], "credit": m["min_at_level"]},
                "core": core,
                "option_groups": [{"min_credit": m["option_min"], "courses": options}],
                "max_external_share": m["max_external_share"],
                **({"capstone": capstone["id"]} if capstone else {}),
                "max_span_years": m["max_span_years"],
            },
        })
    return out


def clean(course: dict) -> dict:
    out = {k: v for k, v in course.items() if not k.startswith("_")}
    for key in ("psrb_recognition", "pathways"):
        if not out[key]:
            del out[key]
    return out


def native_feed(provider: dict, courses: list[dict], pathways: list[dict]) -> dict:
    prov = {"id": provider["id"], "id_scheme": "UKPRN", "name": provider["name"], "country": "GB",
            "url": f"https://www.{provider['domain']}/"}
    feed = {"format": "climbing-frame/catalogue-feed", "version": "1.0", "generated": GENERATED,
            "provider": prov, "courses": [clean(c) for c in courses]}
    if pathways:
        feed["pathways"] = pathways
    return feed


# ---------------------------------------------------------------------------------------------------
# XCRI-CAP 1.2
# ---------------------------------------------------------------------------------------------------

NS = {
    "xmlns:xcri": "http://xcri.org/profiles/1.2/catalog",
    "xmlns:xcriTerms": "http://xcri.org/profiles/catalog/terms",
    "xmlns:dc": "http://purl.org/dc/elements/1.1/",
    "xmlns:dcterms": "http://purl.org/dc/terms/",
    "xmlns:mlo": "http://purl.org/net/mlo",
    "xmlns:credit": "http://purl.org/net/cm",
    "xmlns:courseDataProgramme": "http://xcri.co.uk",
    "xmlns:xhtml": "http://www.w3.org/1999/xhtml",
    "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


def hecos_name(code: str) -> str:
    return HECOS[code]


def jacs_name(code: str) -> str:
    return JACS_NAMES.get(code) or JACS[code]


def load_vocab() -> None:
    import csv
    with (ROOT / "config/vocab/hecos.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            HECOS[row["hecos_code"]] = row["name"]
    with (ROOT / "config/vocab/jacs3.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            JACS[row["jacs_code"]] = row["name"]


HECOS: dict[str, str] = {}
JACS: dict[str, str] = {}

ATTENDANCE = {
    "online-asynchronous": ("DA", "Distance with attendance"),
    "online-synchronous": ("DA", "Distance with attendance"),
    "blended": ("BL", "Blended learning"),
    "on-campus": ("CM", "Campus"),
    "work-based": ("BL", "Blended learning"),
}


def xcri_feed(rng: random.Random, provider: dict, courses: list[dict]) -> str:
    x = ['<?xml version="1.0" encoding="UTF-8"?>']
    attrs = " ".join(f'{k}="{v}"' for k, v in NS.items())
    schema_loc = ("http://xcri.org/profiles/1.2/catalog http://www.xcri.co.uk/bindings/xcri_cap_1_2.xsd "
                  "http://xcri.org/profiles/1.2/catalog/terms http://www.xcri.co.uk/bindings/xcri_cap_terms_1_2.xsd "
                  "http://xcri.co.uk http://www.xcri.co.uk/bindings/coursedataprogramme.xsd")
    x.append(f'<xcri:catalog {attrs}\n\txsi:schemaLocation="{schema_loc}"\n\tgenerated="{GENERATED}">')
    x.append('\t<dc:description xml:lang="en">Short, credit-bearing courses (micro-credentials) from Ashcombe '
             'Metropolitan University. Fictional demonstration data for Climbing Frame. Updated weekly.</dc:description>')
    x.append("\t<xcri:provider>")
    x.append("\t\t<dc:description>Ashcombe Metropolitan University — a fictional university of the built "
             "environment, law and business, with campuses in Ashcombe and Fénwick Quay.</dc:description>")
    x.append(f"\t\t<dc:identifier>{provider['id']}</dc:identifier>")
    x.append(f"\t\t<dc:title>{escape(provider['name'])}</dc:title>")
    x.append(f"\t\t<mlo:url>https://www.{provider['domain']}/</mlo:url>")
    for i, c in enumerate(courses):
        t = "\t\t\t"
        x.append("\t\t<xcri:course>")
        x.append(f"{t}<dc:description xsi:type=\"xcriTerms:aim\">{escape(c['aims'])}</dc:description>")
        x.append(f"{t}<dc:identifier>{c['id']}</dc:identifier>")
        code = c["subjects"][0]["code"]
        if i % 2 == 0 and c["_area"] in JACS_FOR_AREA:
            jacs = JACS_FOR_AREA[c["_area"]][(i // 2) % len(JACS_FOR_AREA[c["_area"]])]
            x.append(f"{t}<dc:subject xsi:type=\"courseDataProgramme:JACS3\" identifier=\"{jacs}\">"
                     f"{escape(jacs_name(jacs))}</dc:subject>")
        else:
            x.append(f"{t}<dc:subject xsi:type=\"HECoS\" identifier=\"{code}\">{escape(hecos_name(code))}</dc:subject>")
        x.append(f"{t}<dc:title>{escape(c['title'])}</dc:title>")
        x.append(f"{t}<mlo:url>{c['url']}</mlo:url>")
        x.append(f"{t}<xcri:abstract>{escape(c['summary'])}</xcri:abstract>")
        x.append(f"{t}<mlo:assessment>{escape('; '.join(c['assessment']))}</mlo:assessment>")
        for lo in c["learning_outcomes"]:
            x.append(f"{t}<xcri:learningOutcome>{escape(lo)}</xcri:learningOutcome>")
        x.append(f"{t}<mlo:prerequisite>{escape(c['entry_requirements'])}</mlo:prerequisite>")
        if c["_area"] == "builtenv" and i % 2 == 0:
            x.append(f"{t}<mlo:qualification>")
            x.append(f"{t}\t<dc:title>Micro-credential in {escape(c['title'])}</dc:title>")
            x.append(f"{t}\t<xcri:awardedBy>{escape(provider['name'])}</xcri:awardedBy>")
            x.append(f"{t}\t<xcri:accreditedBy>Royal Institution of Chartered Surveyors (RICS)</xcri:accreditedBy>")
            x.append(f"{t}</mlo:qualification>")
        x.append(f"{t}<mlo:credit>")
        x.append(f"{t}\t<credit:scheme>CATS</credit:scheme>")
        x.append(f"{t}\t<credit:level>{c['level']['value']}</credit:level>")
        x.append(f"{t}\t<credit:value>{c['_cats']}</credit:value>")
        x.append(f"{t}</mlo:credit>")
        amount = c["cost"]["amount"]
        cost_text = "free" if amount == "0.00" else f"£{int(float(amount)):,}"
        code_, label = ATTENDANCE[c["mode"][0]]
        if c["schedule"]["type"] == "cohort":
            presentations = c["schedule"]["presentations"]
        else:  # XCRI-CAP has no learner-led schedule: publish one open presentation per term instead
            presentations = [{"start": s, "end": None, "apply_by": None, "places": None}
                             for s in provider["cohort_starts"][:2]]
        for p in presentations:
            x.append(f"{t}<xcri:presentation>")
            x.append(f"{t}\t<dc:identifier>{c['id']}-{p['start'][:7].replace('-', '')}</dc:identifier>")
            x.append(f"{t}\t<mlo:start dtf=\"{p['start']}\">{human_date(p['start'])}</mlo:start>")
            if p["end"]:
                x.append(f"{t}\t<xcri:end dtf=\"{p['end']}\">{human_date(p['end'])}</xcri:end>")
                weeks = (date.fromisoformat(p["end"]) - date.fromisoformat(p["start"])).days // 7 + 1
                x.append(f"{t}\t<mlo:duration interval=\"P{weeks}W\">{weeks} weeks</mlo:duration>")
            if p["apply_by"]:
                x.append(f"{t}\t<xcri:applyUntil dtf=\"{p['apply_by']}\">{human_date(p['apply_by'])}</xcri:applyUntil>")
            x.append(f"{t}\t<xcri:applyTo>{c['apply_url']}</xcri:applyTo>")
            x.append(f"{t}\t<mlo:engagement>{c['study_hours']} hours of study</mlo:engagement>")
            x.append(f"{t}\t<xcri:studyMode identifier=\"PT\">Part time</xcri:studyMode>")
            x.append(f"{t}\t<xcri:attendanceMode identifier=\"{code_}\">{label}</xcri:attendanceMode>")
            x.append(f"{t}\t<mlo:languageOfInstruction>en</mlo:languageOfInstruction>")
            if p["places"]:
                x.append(f"{t}\t<mlo:places>{p['places']}</mlo:places>")
            x.append(f"{t}\t<mlo:cost>{cost_text}</mlo:cost>")
            x.append(f"{t}</xcri:presentation>")
        x.append("\t\t</xcri:course>")
    x.append("\t\t<mlo:location>")
    x.append("\t\t\t<mlo:town>Ashcombe</mlo:town>")
    x.append("\t\t\t<mlo:postcode>AC1 4MU</mlo:postcode>")
    x.append("\t\t\t<mlo:address>Campus Crescent, Ashcombe</mlo:address>")
    x.append("\t\t\t<mlo:email>shortcourses@ashcombe.ac.example</mlo:email>")
    x.append("\t\t</mlo:location>")
    x.append("\t</xcri:provider>")
    x.append("</xcri:catalog>")
    return "\n".join(x) + "\n"


def human_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B %Y')}"


# ---------------------------------------------------------------------------------------------------


def next_seq(provider: dict, courses: list[dict], area: str, fheq: int) -> int:
    """The sequence number the next course of ``area`` at ``fheq`` takes (levels as FHEQ: not for SCQF)."""
    assert provider["framework"] != "SCQF"
    prefix = f"{provider['prefix']}-{AREAS[area]['code']}{fheq}"
    return 1 + sum(1 for c in courses if re.fullmatch(re.escape(prefix) + r"\d\d", c["id"]))


def add_declared(plan: dict[str, list[dict]]) -> dict[str, list[str]]:
    """Add the replacement and the shared-syllabus courses, with their ``excludes``; their ids by kind."""
    rng = random.Random(f"{SEED}|declared")
    by_slug = {p["slug"]: p for p in PROVIDERS}
    ids: dict[str, list[str]] = {}

    r = REPLACEMENT
    provider, courses = by_slug[r["provider"]], plan[r["provider"]]
    (old,) = [c for c in courses if c["title"] == r["replaces"]]
    spec = {"level": r["level"], "title": r["title"], "concepts": r["concepts"], "hecos": [r["hecos"]],
            "flags": r["flags"].split(","), "credit": r["credit"],
            "outcomes": old["learning_outcomes"][:-1] + r["new_outcomes"],
            "summary": f"The successor to {old['title']} ({old['id']}), which closes to new learners on "
                       f"{r['closes']}: the same core of {', '.join(r['concepts'][:2])} and {r['concepts'][2]}, "
                       f"with new units on {r['concepts'][3]} and {r['concepts'][4]}. Study at your own pace "
                       f"online, with tutor support throughout."}
    new = build_course(rng, provider, r["area"], spec, next_seq(provider, courses, r["area"], r["level"]))
    new["excludes"] = [{"course_id": old["id"],
                        "reason": f"replaces {old['id']} {old['title']}, which closes to new learners on "
                                  f"{r['closes']}: the same course for credit"}]
    old["summary"] = (f"Closes to new learners on {r['closes']}; replaced by {new['title']} ({new['id']}). "
                      + old["summary"])
    courses.append(new)
    ids["replacement"] = [old["id"], new["id"]]

    s = SHARED_SYLLABUS
    built = []
    for side in s["sides"]:
        provider, courses = by_slug[side["provider"]], plan[side["provider"]]
        spec = {"level": s["level"], "title": s["title"], "concepts": s["concepts"], "hecos": [s["hecos"]],
                "flags": s["flags"].split(","), "credit": s["credit"], "summary": side["summary"],
                "aims": s["aims"], "outcomes": [o.format(where=side["where"]) for o in s["outcomes"]]}
        course = build_course(rng, provider, s["area"], spec, next_seq(provider, courses, s["area"], s["level"]))
        courses.append(course)
        built.append((provider, course))
    for (provider, course), (other_provider, other) in zip(built, built[::-1], strict=True):
        course["excludes"] = [{"course_id": other["id"], "provider_id": other_provider["id"],
                               "reason": f"the same module specification, taught by {provider['name']} and "
                                         f"{other_provider['name']}: one course for credit"}]
    ids["shared syllabus"] = [f"{p['id']}/{c['id']}" for p, c in built]
    return ids


WITHDRAWN = {"northmoor": 3}
BROKEN_PROVIDER = "kingsbridge"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "config/demo")
    args = parser.parse_args()
    load_vocab()
    rng = random.Random(SEED)
    plan = plan_courses(rng)
    declared = add_declared(plan)  # appended: every course above keeps its place and its values

    # Northmoor: three courses withdrawn (superseded), still in the feed with status "withdrawn".
    nmu = plan["northmoor"]
    for c in [nmu[11], nmu[29], nmu[48]]:
        c["status"] = "withdrawn"
        c["summary"] = "This course is no longer recruiting and has been replaced. " + c["summary"]

    # Kingsbridge: two deliberately invalid records (quarantine demo).
    kit = plan["kingsbridge"]
    bad_subject, bad_credit = kit[7], kit[30]
    bad_subject["subjects"] = [{"scheme": "HECoS", "code": "109999"}]
    bad_credit["_drop_credit"] = True

    feeds_dir = args.out / "feeds"
    feeds_dir.mkdir(parents=True, exist_ok=True)
    toml = ["# Demo consortium feeds (fictional universities). Generated by deploy/demo/make_demo_feeds.py.",
            "# file is relative to config/demo/feeds/.", ""]
    summary = []
    for provider in PROVIDERS:
        courses = plan[provider["slug"]]
        if provider["format"] == "native":
            pathways = build_pathways(provider, courses, plan) if provider["slug"] == "wychbury" else []
            feed = native_feed(provider, courses, pathways)
            for raw, c in zip(feed["courses"], courses, strict=True):
                if c.get("_drop_credit"):
                    del raw["credit"]
            name = f"{provider['slug']}.json"
            (feeds_dir / name).write_text(json.dumps(feed, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        else:
            name = f"{provider['slug']}.xml"
            (feeds_dir / name).write_text(xcri_feed(rng, provider, courses), encoding="utf-8")
        toml += ["[[feed]]", f'provider_id = "{provider["id"]}"', f"name = {json.dumps(provider['name'])}",
                 f'file = "{name}"', f'format = "{provider["format"]}"', 'every = "6h"', ""]
        summary.append((provider, name, courses))
    (args.out / "feeds.toml").write_text("\n".join(toml), encoding="utf-8")
    make_onboarding_feed.write(args.out)  # the seventh member, written like a real university's feed

    total = 0
    for _provider, name, courses in summary:
        total += len(courses)
        levels: dict[str, int] = {}
        for c in courses:
            key = f"{c['level']['framework']} {c['level']['value']}"
            levels[key] = levels.get(key, 0) + 1
        ll = sum(c["schedule"]["type"] == "learner-led" for c in courses)
        print(f"{name:18} {len(courses):3} courses  learner-led {ll:2}  cohort {len(courses) - ll:2}  "
              + ", ".join(f"{k}: {v}" for k, v in sorted(levels.items())))
    print(f"total {total}")
    print(f"invalid on purpose (kingsbridge): {bad_subject['id']} (unknown HECoS 109999), {bad_credit['id']} (no credit)")
    print("withdrawn (northmoor): " + ", ".join(c["id"] for c in nmu if c["status"] == "withdrawn"))
    for kind, pair in declared.items():
        print(f"declared exclusion ({kind}): {pair[1]} excludes {pair[0]}" if kind == "replacement"
              else f"declared exclusion ({kind}): {pair[0]} and {pair[1]} exclude each other")


if __name__ == "__main__":
    main()
